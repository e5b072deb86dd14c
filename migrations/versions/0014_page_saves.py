"""page saves: which open page wrote a draft last, and that save's number, so that a page's leaving
save that crosses its own autosave on the wire is written, not kept aside as a conflict

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 00:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: no batch rebuild, so SQLite's AUTOINCREMENT (0013) stays.
    op.add_column('ta_response', sa.Column('saved_by_page', sa.String(length=16), nullable=True))
    op.add_column('ta_response', sa.Column('saved_by_page_number', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('ta_response', schema=None) as batch_op:
        batch_op.drop_column('saved_by_page_number')
        batch_op.drop_column('saved_by_page')
