"""Adds up the JUnit reports of the test phases into one plain closing line.

Usage: python scripts/test_summary.py DIR  ->  "tests: N passed, N failed, N skipped"
(failed counts failures and errors). Exits 0 either way: the phases' own exit codes decide.
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def totals(report_dir: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for report in sorted(report_dir.glob("*.xml")):
        root = ET.parse(report).getroot()  # noqa: S314 - our own pytest output
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            failed += bad
            skipped += skip
            passed += max(tests - bad - skip, 0)
    return passed, failed, skipped


def main() -> None:
    report_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "var/test-reports")
    passed, failed, skipped = totals(report_dir)
    print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main()
