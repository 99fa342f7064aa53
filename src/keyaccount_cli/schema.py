"""kam's schema as the standard-library paths need it: the statements that create a new SQLite
file, so that `kam import` can start one without loading SQLAlchemy (migration names:
`migrations.py`).

The models (`models.py`) remain the definition; `SQLITE_SCHEMA` is the SQL that SQLAlchemy emits
for them on SQLite. A test creates a file both ways and holds the two schemas equal, so a change
to the models that is not made here too fails the suite.
"""

from __future__ import annotations

SQLITE_SCHEMA = """
CREATE TABLE account (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    industry VARCHAR,
    tier VARCHAR,
    owner VARCHAR,
    annual_revenue FLOAT,
    usage FLOAT,
    renewal_intent VARCHAR,
    p1_tickets INTEGER,
    nps INTEGER,
    notes VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (name_key)
);

CREATE TABLE change (
    id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    field VARCHAR NOT NULL,
    old VARCHAR,
    new VARCHAR,
    source VARCHAR NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_change_entity ON change (entity, entity_id);

CREATE INDEX ix_change_account_id ON change (account_id);

CREATE TABLE migration (
    name VARCHAR NOT NULL,
    applied_at DATETIME NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE contact (
    id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    email VARCHAR,
    phone VARCHAR,
    title VARCHAR,
    department VARCHAR,
    roles VARCHAR,
    decision_power VARCHAR,
    attitude VARCHAR,
    concerns VARCHAR,
    can_sign BOOLEAN,
    project_owner BOOLEAN,
    reports_to_id INTEGER,
    status VARCHAR NOT NULL,
    change_risk VARCHAR,
    change_date DATE,
    change_kind VARCHAR,
    successor_id INTEGER,
    moved_to_id INTEGER,
    notes VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(account_id) REFERENCES account (id),
    UNIQUE (email),
    FOREIGN KEY(reports_to_id) REFERENCES contact (id),
    FOREIGN KEY(successor_id) REFERENCES contact (id),
    FOREIGN KEY(moved_to_id) REFERENCES contact (id)
);

CREATE INDEX ix_contact_successor_id ON contact (successor_id);

CREATE INDEX ix_contact_reports_to_id ON contact (reports_to_id);

CREATE INDEX ix_contact_account_name ON contact (account_id, name_key);

CREATE INDEX IF NOT EXISTS ix_contact_counts ON contact (account_id, status, attitude, decision_power, roles, department);

CREATE INDEX ix_contact_watched ON contact (account_id, id) WHERE change_date IS NOT NULL OR change_risk IN ('high', 'confirmed') OR status IN ('leaving', 'left');

CREATE INDEX ix_contact_moved_to_id ON contact (moved_to_id);

CREATE TABLE interaction (
    id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    "on" DATE NOT NULL,
    kind VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(account_id) REFERENCES account (id)
);

CREATE INDEX ix_interaction_account_id ON interaction (account_id);

CREATE TABLE opportunity (
    id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    amount FLOAT,
    stage VARCHAR,
    close_date DATE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (account_id, name_key),
    FOREIGN KEY(account_id) REFERENCES account (id)
);

CREATE INDEX ix_opportunity_account_id ON opportunity (account_id);

CREATE TABLE health_score (
    id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    "on" DATE NOT NULL,
    score FLOAT,
    band VARCHAR,
    detail VARCHAR,
    recorded_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (account_id, "on"),
    FOREIGN KEY(account_id) REFERENCES account (id)
);

CREATE INDEX ix_health_score_account_id ON health_score (account_id);

CREATE TABLE relation (
    id INTEGER NOT NULL,
    from_id INTEGER NOT NULL,
    to_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (from_id, to_id, kind),
    FOREIGN KEY(from_id) REFERENCES contact (id),
    FOREIGN KEY(to_id) REFERENCES contact (id)
);

CREATE INDEX ix_relation_to_id ON relation (to_id);

CREATE INDEX ix_relation_from_id ON relation (from_id);

CREATE TABLE handover (
    id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    kind VARCHAR,
    change_date DATE,
    status VARCHAR NOT NULL,
    opened_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contact (id)
);

CREATE INDEX ix_handover_contact_id ON handover (contact_id);

CREATE TABLE interaction_contact (
    interaction_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, contact_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id),
    FOREIGN KEY(contact_id) REFERENCES contact (id)
);

CREATE INDEX ix_interaction_contact_contact_id ON interaction_contact (contact_id);

CREATE TABLE opportunity_contact (
    opportunity_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (opportunity_id, contact_id),
    FOREIGN KEY(opportunity_id) REFERENCES opportunity (id),
    FOREIGN KEY(contact_id) REFERENCES contact (id)
);

CREATE INDEX ix_opportunity_contact_contact_id ON opportunity_contact (contact_id);

CREATE TABLE handover_step (
    id INTEGER NOT NULL,
    handover_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    step VARCHAR NOT NULL,
    owner VARCHAR,
    deadline DATE,
    status VARCHAR NOT NULL,
    done_on DATE,
    notes VARCHAR,
    PRIMARY KEY (id),
    FOREIGN KEY(handover_id) REFERENCES handover (id)
);

CREATE INDEX ix_handover_step_handover_id ON handover_step (handover_id);
"""
