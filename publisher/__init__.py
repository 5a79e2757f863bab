"""Publisher: recommended policies and the static site, generated from the classified catalog."""
