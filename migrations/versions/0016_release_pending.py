"""release pending: whether some shared answer of a release-after-review exercise waits for the
counselor's release, kept as the partners send and the counselor releases. The caseload and the couple
page count it in SQL (the answers are sealed). Filled here for exercises both partners sent and the
counselor never released; one released in part before this stays unmarked until its next send or
release (which answers were left can't be told without opening them).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 19:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases: no batch rebuild, so SQLite's AUTOINCREMENT (0013) stays.
    op.add_column('ta_assignment', sa.Column('release_pending', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.execute("UPDATE ta_assignment SET release_pending = TRUE WHERE release_mode = 'after_review' "
               "AND revealed_at IS NOT NULL AND released_at IS NULL")


def downgrade():
    with op.batch_alter_table('ta_assignment') as batch:
        batch.drop_column('release_pending')
