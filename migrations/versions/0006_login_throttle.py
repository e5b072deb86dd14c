"""login throttle: failed sign-ins per account, shared by every app server

Revision ID: 0006a
Revises: 0005
Create Date: 2026-11-27 12:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006a'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ta_login_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ta_login_throttle'))
    )


def downgrade():
    op.drop_table('ta_login_throttle')
