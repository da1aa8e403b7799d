"""The fact check: the facts a text states (`facts`, with each language's grammar in `vi` and `en`) and whether
its source supports them (`check`). The check stage (`stages.check`) runs `check.check_article`."""
