"""Accessibility: reports of problems from the public, as Swedish law 2018:1937 requires."""
