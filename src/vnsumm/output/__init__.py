"""Where finished work goes: the store of records and the digests made from it."""
