"""The SQLite schema of a new kam database, for the paths that open a file with the standard library.

GENERATED from the models (models.py) by `python -m keyaccount_cli.storage.schema --write`: do not edit by hand.
Change the models, then run that command; a test fails while this file is stale.
"""

# fmt: off

STATEMENTS: tuple[str, ...] = (
    "CREATE TABLE account (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tname VARCHAR NOT NULL, \n"
    "\tname_key VARCHAR NOT NULL, \n"
    "\tindustry VARCHAR, \n"
    "\ttier VARCHAR, \n"
    "\towner VARCHAR, \n"
    "\tannual_revenue FLOAT, \n"
    "\tusage FLOAT, \n"
    "\trenewal_intent VARCHAR, \n"
    "\tp1_tickets INTEGER, \n"
    "\tnps INTEGER, \n"
    "\tnotes VARCHAR, \n"
    "\tcreated_at DATETIME NOT NULL, \n"
    "\tupdated_at DATETIME NOT NULL, status VARCHAR DEFAULT 'customer' NOT NULL, renewal_date DATE, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (name_key)\n"
    ")",
    "CREATE TABLE change (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tat DATETIME NOT NULL, \n"
    "\tentity VARCHAR NOT NULL, \n"
    "\tentity_id INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\tfield VARCHAR NOT NULL, \n"
    "\told VARCHAR, \n"
    "\tnew VARCHAR, \n"
    "\tsource VARCHAR NOT NULL, \n"
    "\tPRIMARY KEY (id)\n"
    ")",
    "CREATE INDEX ix_change_account_id ON change (account_id)",
    "CREATE INDEX ix_change_entity ON change (entity, entity_id)",
    "CREATE TABLE migration (\n"
    "\tname VARCHAR NOT NULL, \n"
    "\tapplied_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (name)\n"
    ")",
    "CREATE TABLE contact (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\tname VARCHAR NOT NULL, \n"
    "\tname_key VARCHAR NOT NULL, \n"
    "\temail VARCHAR, \n"
    "\tphone VARCHAR, \n"
    "\ttitle VARCHAR, \n"
    "\tdepartment VARCHAR, \n"
    "\troles VARCHAR, \n"
    "\tdecision_power VARCHAR, \n"
    "\tattitude VARCHAR, \n"
    "\tconcerns VARCHAR, \n"
    "\tcan_sign BOOLEAN, \n"
    "\tproject_owner BOOLEAN, \n"
    "\treports_to_id INTEGER, \n"
    "\tstatus VARCHAR NOT NULL, \n"
    "\tchange_risk VARCHAR, \n"
    "\tchange_date DATE, \n"
    "\tchange_kind VARCHAR, \n"
    "\tsuccessor_id INTEGER, \n"
    "\tmoved_to_id INTEGER, \n"
    "\tnotes VARCHAR, \n"
    "\tcreated_at DATETIME NOT NULL, \n"
    "\tupdated_at DATETIME NOT NULL, our_contacts VARCHAR, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id), \n"
    "\tUNIQUE (email), \n"
    "\tFOREIGN KEY(reports_to_id) REFERENCES contact (id), \n"
    "\tFOREIGN KEY(successor_id) REFERENCES contact (id), \n"
    "\tFOREIGN KEY(moved_to_id) REFERENCES contact (id)\n"
    ")",
    "CREATE INDEX ix_contact_account_name ON contact (account_id, name_key)",
    "CREATE INDEX ix_contact_counts ON contact (account_id, status, attitude, decision_power, roles, department, our_contacts, created_at, name)",
    "CREATE INDEX ix_contact_moved_to_id ON contact (moved_to_id)",
    "CREATE INDEX ix_contact_name_key ON contact (name_key)",
    "CREATE INDEX ix_contact_reports_to_id ON contact (reports_to_id)",
    "CREATE INDEX ix_contact_successor_id ON contact (successor_id)",
    "CREATE INDEX ix_contact_watched ON contact (account_id, id) WHERE change_date IS NOT NULL OR change_risk IN ('high', 'confirmed') OR status IN ('leaving', 'left')",
    "CREATE TABLE interaction (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\t\"on\" DATE NOT NULL, \n"
    "\tkind VARCHAR NOT NULL, \n"
    "\tsummary VARCHAR NOT NULL, \n"
    "\tcreated_at DATETIME NOT NULL, by_person VARCHAR, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id)\n"
    ")",
    "CREATE INDEX ix_interaction_account_id ON interaction (account_id)",
    "CREATE TABLE team_member (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\tname VARCHAR NOT NULL, \n"
    "\tname_key VARCHAR NOT NULL, \n"
    "\trole VARCHAR NOT NULL, \n"
    "\tadded_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (account_id, name_key), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id)\n"
    ")",
    "CREATE INDEX ix_team_member_account_id ON team_member (account_id)",
    "CREATE TABLE owner_handover (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\tfrom_owner VARCHAR NOT NULL, \n"
    "\tto_owner VARCHAR NOT NULL, \n"
    "\treassigned_on DATE NOT NULL, \n"
    "\tstatus VARCHAR NOT NULL, \n"
    "\topened_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id)\n"
    ")",
    "CREATE INDEX ix_owner_handover_account_id ON owner_handover (account_id)",
    "CREATE TABLE opportunity (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\tname VARCHAR NOT NULL, \n"
    "\tname_key VARCHAR NOT NULL, \n"
    "\tamount FLOAT, \n"
    "\tstage VARCHAR, \n"
    "\tclose_date DATE, \n"
    "\tcreated_at DATETIME NOT NULL, \n"
    "\tupdated_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (account_id, name_key), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id)\n"
    ")",
    "CREATE INDEX ix_opportunity_account_id ON opportunity (account_id)",
    "CREATE TABLE health_score (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taccount_id INTEGER NOT NULL, \n"
    "\t\"on\" DATE NOT NULL, \n"
    "\tscore FLOAT, \n"
    "\tband VARCHAR, \n"
    "\tdetail VARCHAR, \n"
    "\trecorded_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (account_id, \"on\"), \n"
    "\tFOREIGN KEY(account_id) REFERENCES account (id)\n"
    ")",
    "CREATE INDEX ix_health_score_account_id ON health_score (account_id)",
    "CREATE TABLE relation (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tfrom_id INTEGER NOT NULL, \n"
    "\tto_id INTEGER NOT NULL, \n"
    "\tkind VARCHAR NOT NULL, \n"
    "\tcreated_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tUNIQUE (from_id, to_id, kind), \n"
    "\tFOREIGN KEY(from_id) REFERENCES contact (id), \n"
    "\tFOREIGN KEY(to_id) REFERENCES contact (id)\n"
    ")",
    "CREATE INDEX ix_relation_from_id ON relation (from_id)",
    "CREATE INDEX ix_relation_to_id ON relation (to_id)",
    "CREATE TABLE handover (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tcontact_id INTEGER NOT NULL, \n"
    "\tkind VARCHAR, \n"
    "\tchange_date DATE, \n"
    "\tstatus VARCHAR NOT NULL, \n"
    "\topened_at DATETIME NOT NULL, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(contact_id) REFERENCES contact (id)\n"
    ")",
    "CREATE INDEX ix_handover_contact_id ON handover (contact_id)",
    "CREATE TABLE owner_handover_step (\n"
    "\tid INTEGER NOT NULL, \n"
    "\towner_handover_id INTEGER NOT NULL, \n"
    "\tposition INTEGER NOT NULL, \n"
    "\tstep VARCHAR NOT NULL, \n"
    "\towner VARCHAR, \n"
    "\tdeadline DATE, \n"
    "\tstatus VARCHAR NOT NULL, \n"
    "\tdone_on DATE, \n"
    "\tnotes VARCHAR, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(owner_handover_id) REFERENCES owner_handover (id)\n"
    ")",
    "CREATE INDEX ix_owner_handover_step_owner_handover_id ON owner_handover_step (owner_handover_id)",
    "CREATE TABLE interaction_contact (\n"
    "\tinteraction_id INTEGER NOT NULL, \n"
    "\tcontact_id INTEGER NOT NULL, \n"
    "\tPRIMARY KEY (interaction_id, contact_id), \n"
    "\tFOREIGN KEY(interaction_id) REFERENCES interaction (id), \n"
    "\tFOREIGN KEY(contact_id) REFERENCES contact (id)\n"
    ")",
    "CREATE INDEX ix_interaction_contact_contact_id ON interaction_contact (contact_id)",
    "CREATE TABLE opportunity_contact (\n"
    "\topportunity_id INTEGER NOT NULL, \n"
    "\tcontact_id INTEGER NOT NULL, \n"
    "\tPRIMARY KEY (opportunity_id, contact_id), \n"
    "\tFOREIGN KEY(opportunity_id) REFERENCES opportunity (id), \n"
    "\tFOREIGN KEY(contact_id) REFERENCES contact (id)\n"
    ")",
    "CREATE INDEX ix_opportunity_contact_contact_id ON opportunity_contact (contact_id)",
    "CREATE TABLE handover_step (\n"
    "\tid INTEGER NOT NULL, \n"
    "\thandover_id INTEGER NOT NULL, \n"
    "\tposition INTEGER NOT NULL, \n"
    "\tstep VARCHAR NOT NULL, \n"
    "\towner VARCHAR, \n"
    "\tdeadline DATE, \n"
    "\tstatus VARCHAR NOT NULL, \n"
    "\tdone_on DATE, \n"
    "\tnotes VARCHAR, \n"
    "\tPRIMARY KEY (id), \n"
    "\tFOREIGN KEY(handover_id) REFERENCES handover (id)\n"
    ")",
    "CREATE INDEX ix_handover_step_handover_id ON handover_step (handover_id)",
)

# how a column's values come back from SQLite (text, integers) as the models' types, by column name
READ_AS: dict[str, str] = {
    "added_at": "datetime",
    "applied_at": "datetime",
    "at": "datetime",
    "can_sign": "bool",
    "change_date": "date",
    "close_date": "date",
    "created_at": "datetime",
    "deadline": "date",
    "done_on": "date",
    "on": "date",
    "opened_at": "datetime",
    "project_owner": "bool",
    "reassigned_on": "date",
    "recorded_at": "datetime",
    "renewal_date": "date",
    "updated_at": "datetime",
}
