"""Importers of public incident data (DESIGN.md section 6): VERIS/VCDB, Have I Been Pwned, HHS OCR.

`report.run_import` runs any of them all-or-nothing; the management commands and the admin upload
pages share it and its `ImportReport`.
"""
