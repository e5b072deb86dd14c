"""reminders: recurring homework series (one instance per period), the reminder scan's index,
one-click unsubscribe and body purging in the outbox, and the practice's risk-alert email setting

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 12:20:27.151079
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ta_assignment_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('worksheet_version_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('visibility_overrides', sa.JSON(), nullable=False),
    sa.Column('release_mode', sa.String(length=20), nullable=True),
    sa.Column('interval_weeks', sa.Integer(), nullable=False),
    sa.Column('first_due', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('max_count', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('next_period', sa.Integer(), nullable=False),
    sa.Column('next_create_on', sa.Date(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['ta_user.id'], name=op.f('fk_ta_assignment_series_assignee_id_ta_user')),
    sa.ForeignKeyConstraint(['couple_id'], ['ta_couple.id'], name=op.f('fk_ta_assignment_series_couple_id_ta_couple'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['ta_user.id'], name=op.f('fk_ta_assignment_series_created_by_id_ta_user')),
    sa.ForeignKeyConstraint(['worksheet_version_id'], ['ta_worksheet_version.id'], name=op.f('fk_ta_assignment_series_worksheet_version_id_ta_worksheet_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ta_assignment_series'))
    )
    with op.batch_alter_table('ta_assignment_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ta_assignment_series_couple_id'), ['couple_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ta_assignment_series_next_create_on'), ['next_create_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_ta_assignment_series_status'), ['status'], unique=False)

    with op.batch_alter_table('ta_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('period', sa.Integer(), nullable=True))
        batch_op.create_index('ix_ta_assignment_status_due_date', ['status', 'due_date'], unique=False)
        batch_op.create_unique_constraint('uq_ta_assignment_series_period', ['series_id', 'period'])
        batch_op.create_foreign_key(batch_op.f('fk_ta_assignment_series_id_ta_assignment_series'), 'ta_assignment_series', ['series_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('ta_outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('body_purged_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_alert_emails', sa.Boolean(), nullable=False, server_default=sa.true()))
    # Existing practices get the alert (the safe default); the model supplies it for new rows.
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.alter_column('risk_alert_emails', existing_type=sa.Boolean(), server_default=None)



def downgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.drop_column('risk_alert_emails')

    with op.batch_alter_table('ta_outbox_message', schema=None) as batch_op:
        batch_op.drop_column('body_purged_at')
        batch_op.drop_column('unsubscribe_url')

    with op.batch_alter_table('ta_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ta_assignment_series_id_ta_assignment_series'), type_='foreignkey')
        batch_op.drop_constraint('uq_ta_assignment_series_period', type_='unique')
        batch_op.drop_index('ix_ta_assignment_status_due_date')
        batch_op.drop_column('period')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('ta_assignment_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ta_assignment_series_status'))
        batch_op.drop_index(batch_op.f('ix_ta_assignment_series_next_create_on'))
        batch_op.drop_index(batch_op.f('ix_ta_assignment_series_couple_id'))

    op.drop_table('ta_assignment_series')
