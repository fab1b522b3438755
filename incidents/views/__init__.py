"""The incident pages (`incidents`), a lab's response and its filings (`responses`), every filing due (`deadlines`)."""
