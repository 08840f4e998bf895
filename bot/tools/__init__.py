"""Maintainer tools that derive committed data files; never imported at run time."""
