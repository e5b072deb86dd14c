"""sessions: scheduling, session notes, topics for next session, session summaries, calendar feeds,
and time zones (a practice default; people start in it)

Revision ID: 0007
Revises: 0006a
Create Date: 2026-11-27 11:56:00.896973
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ta_calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counselor_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('show_names', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counselor_id'], ['ta_user.id'], name=op.f('fk_ta_calendar_feed_counselor_id_ta_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ta_calendar_feed')),
    sa.UniqueConstraint('counselor_id', name=op.f('uq_ta_calendar_feed_counselor_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_ta_calendar_feed_token_hash'))
    )
    op.create_table('ta_session_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['ta_user.id'], name=op.f('fk_ta_session_topic_author_id_ta_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['couple_id'], ['ta_couple.id'], name=op.f('fk_ta_session_topic_couple_id_ta_couple'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ta_session_topic'))
    )
    with op.batch_alter_table('ta_session_topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ta_session_topic_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ta_session_topic_couple_id'), ['couple_id'], unique=False)

    op.create_table('ta_session_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('per_partner', sa.Boolean(), nullable=False),
    sa.Column('draft', sa.Text(), nullable=False),
    sa.Column('published', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['ta_appointment.id'], name=op.f('fk_ta_session_summary_appointment_id_ta_appointment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ta_session_summary')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_ta_session_summary_appointment_id'))
    )
    # Existing rows: in person, last changed when created, and a practice zone that fits its country.
    with op.batch_alter_table('ta_appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=20), nullable=False, server_default='in_person'))
        batch_op.add_column(sa.Column('video_link', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_ta_appointment_starts_at'), ['starts_at'], unique=False)
    op.execute("UPDATE ta_appointment SET updated_at = created_at")
    with op.batch_alter_table('ta_appointment', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('mode', existing_type=sa.String(length=20), server_default=None)

    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_timezone', sa.String(length=64), nullable=False, server_default='UTC'))
    for country, zone in (('US', 'America/New_York'), ('GB', 'Europe/London'), ('UK', 'Europe/London'),
                          ('EU', 'Europe/Berlin')):
        op.execute(sa.text("UPDATE ta_practice SET default_timezone = :zone WHERE country = :country")
                   .bindparams(zone=zone, country=country))
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.alter_column('default_timezone', existing_type=sa.String(length=64), server_default=None)


def downgrade():
    with op.batch_alter_table('ta_practice', schema=None) as batch_op:
        batch_op.drop_column('default_timezone')

    with op.batch_alter_table('ta_appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ta_appointment_starts_at'))
        batch_op.drop_column('updated_at')
        batch_op.drop_column('video_link')
        batch_op.drop_column('mode')

    op.drop_table('ta_session_summary')
    with op.batch_alter_table('ta_session_topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ta_session_topic_couple_id'))
        batch_op.drop_index(batch_op.f('ix_ta_session_topic_author_id'))

    op.drop_table('ta_session_topic')
    op.drop_table('ta_calendar_feed')
