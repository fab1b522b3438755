"""What-if planning (DESIGN.md section 9): what a list of hypothetical changes would do to every score.

`plan` validates the changes exactly like the real writes and applies them to in-memory copies, `world`
turns them into the scorer's plain inputs before and after, `answer` scores both and diffs. Nothing is
ever written.
"""
