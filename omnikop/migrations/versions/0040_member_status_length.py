"""Widen members.status so 'extraordinary' (anggota luar biasa, 13 characters) fits on PostgreSQL.

SQLite does not enforce VARCHAR lengths, and rebuilding the table there would drop its immutability
triggers, so only PostgreSQL is altered.

Revision ID: 0040
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("members", "status", type_=sa.String(20), existing_type=sa.String(12))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("members", "status", type_=sa.String(12), existing_type=sa.String(20))
