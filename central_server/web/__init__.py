"""The server's pages for people (tracking, counter, lobby display): shell, languages, limits."""
