"""Staff: the first admin of an install, and (issue #14) staff who join, move and leave."""
