"""Participation: what the public does with the catalogue besides reading it.

`suggestions` (the public asks for data; `suggestion_status`, `suggestion_letters`,
`suggestion_feed`), `votes` (exact counts), `demand` (what each organisation is asked for),
`comments` (questions and publisher answers, moderated), `follows` (e-mail when something
followed changes), `webhooks` (signed HTTP callbacks for organisations) and `showcases` (what
people built with the data), over `subjects` (what can be commented on or followed) and
`letters` (e-mail in the recipient's language).
"""
