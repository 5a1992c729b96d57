"""The PostgreSQL balance trigger checks the lines a statement inserts, not every line of their entries.

The first version summed, for each entry touched, all of its lines in ``journal_lines``; the planner could not
see how few entries a statement touches (a transition table has no statistics) and read the table's index end
to end on every insert, so posting slowed down as the ledger grew. Lines are never updated or deleted (the
immutability triggers), so an entry balances exactly when every statement that inserted lines for it inserted
lines that balance per entry: checking the statement's own lines is the same guarantee, at the cost of the
statement.

Revision ID: 0050
Revises: 0040
"""

from __future__ import annotations

from alembic import op

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None

PER_STATEMENT = """
CREATE OR REPLACE FUNCTION omnikop_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.entry_id,
           sum(CASE WHEN n.side = 'D' THEN n.amount ELSE 0 END) AS debits,
           sum(CASE WHEN n.side = 'C' THEN n.amount ELSE 0 END) AS credits
      INTO bad
      FROM new_lines n
     GROUP BY n.entry_id
    HAVING sum(CASE WHEN n.side = 'D' THEN n.amount ELSE -n.amount END) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: debits % <> credits % in the lines inserted',
            bad.entry_id, bad.debits, bad.credits;
    END IF;
    RETURN NULL;
END $$;
"""

WHOLE_ENTRY = """
CREATE OR REPLACE FUNCTION omnikop_check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT l.entry_id,
           sum(CASE WHEN l.side = 'D' THEN l.amount ELSE 0 END) AS debits,
           sum(CASE WHEN l.side = 'C' THEN l.amount ELSE 0 END) AS credits
      INTO bad
      FROM journal_lines l
     WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
     GROUP BY l.entry_id
    HAVING sum(CASE WHEN l.side = 'D' THEN l.amount ELSE -l.amount END) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: debits % <> credits %',
            bad.entry_id, bad.debits, bad.credits;
    END IF;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PER_STATEMENT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(WHOLE_ENTRY)
