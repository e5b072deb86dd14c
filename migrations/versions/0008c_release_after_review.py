"""release after review: an assignment's release mode and the answers its counselor has released

Revision ID: 0008c
Revises: 0008b
Create Date: 2026-11-27 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008c'
down_revision = '0008b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ta_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release_mode', sa.String(length=20), nullable=False,
                                      server_default='when_both_submitted'))
        batch_op.add_column(sa.Column('released_fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('ta_assignment', schema=None) as batch_op:
        batch_op.drop_column('released_at')
        batch_op.drop_column('released_fields')
        batch_op.drop_column('release_mode')
