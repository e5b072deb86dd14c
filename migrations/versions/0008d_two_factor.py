"""two-factor sign-in: TOTP secrets, recovery codes, and the practice's requirement

Revision ID: 0008d
Revises: 0008c
Create Date: 2026-11-27 12:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008d'
down_revision = '0008c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ta_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recovery_codes', sa.JSON(), nullable=True))
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_two_factor', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.drop_column('require_two_factor')
    with op.batch_alter_table('ta_user', schema=None) as batch_op:
        batch_op.drop_column('recovery_codes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
