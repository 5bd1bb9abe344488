"""Text rules every stage shares, pure functions of strings: word counts (``words``), heading
ids as GitHub makes them (``ids``), and per-script typography (``typography``). Reads no files."""
