"""Stories: grouping a store's articles into stories (`grouping`, `links`) and one summary per story drawn from
all its articles (`summaries`, with the embedded selection in `multidoc`)."""
