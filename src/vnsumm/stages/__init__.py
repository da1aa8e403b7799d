"""The stages of a run, one module each, all of one shape (`base.Stage`, over batches of records), and the
store-level steps that follow them (`finish`). `vnsumm.plan` puts them in order."""
