"""Writing documents back out: Hexo archives and RSS/Atom feeds."""
