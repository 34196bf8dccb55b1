"""What is PostgreSQL's in an HQ archive: reaching the server and telling what its
database holds (``connect``). The schema, change tracking, search index and logins
come next (issue 15); until then storage.archive refuses a server address with
ArchiveIsUrl, before anything is written."""
