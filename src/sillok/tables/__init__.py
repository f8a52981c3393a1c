"""Importing tables that centres keep today: spreadsheets (xlsx, csv) and Uwazi's CSV."""
