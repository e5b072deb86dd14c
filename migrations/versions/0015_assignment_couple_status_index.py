"""assignments indexed by couple and status: a couple's open homework is read on every couple page,
My homework and the caseload; with the couple's index alone SQLite chose the status index and read
every open assignment of the practice. The new index starts with the couple, so it replaces that one.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 02:00:00
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE / DROP INDEX on both databases: no batch rebuild, so SQLite's AUTOINCREMENT (0013) stays.
    op.create_index('ix_ta_assignment_couple_status', 'ta_assignment', ['couple_id', 'status'], unique=False)
    op.drop_index('ix_ta_assignment_couple_id', table_name='ta_assignment')


def downgrade():
    op.create_index('ix_ta_assignment_couple_id', 'ta_assignment', ['couple_id'], unique=False)
    op.drop_index('ix_ta_assignment_couple_status', table_name='ta_assignment')
