"""Documents the commune sends out, in the layouts the law sets."""
