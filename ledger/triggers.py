"""The database's own guards of the books, as SQL: rows that are never updated or deleted, and (PostgreSQL)
the balance check on every statement that inserts journal lines.

The ledger's rules, so they live with the ledger. The migrations that installed them (0001, 0050) keep their
own frozen copies, as history must; this module is the current text for any new code (a new migration, a check,
a test) and ``tests/ledger/test_triggers.py`` holds it equal to what a migrated database really has.
"""

from __future__ import annotations

IMMUTABLE_TABLES = ("journal_entries", "journal_lines", "goods_movements")
IMMUTABLE_MESSAGE = "post a reversal or adjustment"

SQLITE_GUARDS: tuple[str, ...] = (
    *(
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN"
        f" SELECT RAISE(ABORT, '{table} rows are immutable: {IMMUTABLE_MESSAGE}'); END"
        for table in IMMUTABLE_TABLES
        for action in ("UPDATE", "DELETE")
    ),
    "CREATE TRIGGER members_member_no_immutable BEFORE UPDATE OF member_no ON members"
    " WHEN OLD.member_no IS NOT NEW.member_no BEGIN"
    " SELECT RAISE(ABORT, 'member_no is immutable and never reused'); END",
    "CREATE TRIGGER members_no_delete BEFORE DELETE ON members BEGIN"
    " SELECT RAISE(ABORT, 'members are never deleted: record the exit instead'); END",
)

POSTGRESQL_GUARDS = """
CREATE FUNCTION omnikop_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable: %', TG_TABLE_NAME, TG_ARGV[0];
END $$;

CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION omnikop_refuse_change('post a reversal or adjustment');
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION omnikop_refuse_change('post a reversal or adjustment');
CREATE TRIGGER goods_movements_immutable BEFORE UPDATE OR DELETE ON goods_movements
    FOR EACH ROW EXECUTE FUNCTION omnikop_refuse_change('post a reversal or adjustment');
CREATE TRIGGER members_member_no_immutable BEFORE UPDATE OF member_no ON members
    FOR EACH ROW WHEN (OLD.member_no IS DISTINCT FROM NEW.member_no)
    EXECUTE FUNCTION omnikop_refuse_change('member_no never changes');
CREATE TRIGGER members_no_delete BEFORE DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION omnikop_refuse_change('record the exit instead of deleting');
"""

# Balanced per statement: lines are never updated or deleted, so an entry balances exactly when every statement
# that inserted its lines inserted lines that balance per entry (migration 0050 says why it is not per entry).
POSTGRESQL_BALANCE_CHECK = """
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

POSTGRESQL_BALANCE_TRIGGER = """
CREATE TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION omnikop_check_balance();
"""
