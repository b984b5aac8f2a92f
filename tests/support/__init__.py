"""
What tests share, one module per kind of thing:

- ``factories``: rows (``make_post``, ``make_counterpoint``, ``make_user``, …)
- ``submissions``: what a reader's browser sends to the counterpoint form
- ``forms``: the fields of a form on a rendered page, as a browser would send them
- ``html``: reading a response as parsed HTML (CSS selectors, visible text)
- ``feeds``: reading a feed as a feed reader does
- ``queries``: what a page costs in queries, for query budgets
- ``admin``: the admin's URLs and the people who use it
- ``browser``: Playwright helpers (logging in, watching a page, axe)
"""
