"""The plumbing every study uses: config composition and checks (:mod:`.config`), atomic
writes and seals (:mod:`.io`), the tidy-results schema checks (:mod:`.results`) and seeding
(:mod:`.seeding`). It knows no study: what it needs of them (their settings, job keys and
result columns) it is given by :mod:`dse_repro.studies.registry`."""
