"""Publishing: every change to the catalogue through one function per use case (`changes`),
where the rules of publication live once for the pages, the JSON API, CKAN and the command
line alike."""
