"""risk phrases: the practice's list of words in answers that the prep packet flags

Revision ID: 0008b
Revises: 0008
Create Date: 2026-11-27 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008b'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_phrases', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.drop_column('risk_phrases')
