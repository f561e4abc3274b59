"""What the conformance scripts share: a check that prints ok or FAIL, and their tally."""

import sys

tally = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        tally["passed"] += 1
        print("ok - %s" % name)
    else:
        tally["failed"] += 1
        print("FAIL - %s %s" % (name, detail))


def finish(what):
    """Prints the tally and exits 1 if a check failed."""
    print("%s: %d passed, %d failed" % (what, tally["passed"], tally["failed"]))
    sys.exit(1 if tally["failed"] else 0)
