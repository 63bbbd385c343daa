-- notifications_introduced (migration 0015) has served no query since
-- migration 0025 made notifications_told the one read of what a supplier
-- was told of a move: an index no query reads is only a cost to keep.
DROP INDEX notifications_introduced;
