"""clinically ready: scores of measures, addenda to private check-ins, the joint-homework gate

Revision ID: 0009
Revises: 0008d
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ta_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('addenda', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('addendum_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joint_homework_gate', sa.String(length=10), nullable=False,
                                      server_default='block'))


def downgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.drop_column('joint_homework_gate')
    with op.batch_alter_table('ta_response', schema=None) as batch_op:
        batch_op.drop_column('addendum_at')
        batch_op.drop_column('addenda')
        batch_op.drop_column('score')
