/// The PostgreSQL schema, numbered like the embedded store's migrations (Store/Migrations.swift) but
/// its own: version 1 is the embedded schema as of its migration 9, in PostgreSQL's types.
enum PostgresSchema {
    static let all: [(version: Int, name: String, sql: String)] = [
        (1, "the whole schema as of the embedded store's migration 9", v1),
    ]

    static let v1 = """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE parties (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('organization', 'person')),
        name TEXT NOT NULL,
        credit_code TEXT UNIQUE,
        person_id TEXT UNIQUE,
        legal_representative TEXT,
        organization TEXT,
        employer_credit_code TEXT,
        specialties TEXT,
        created_at BIGINT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'suspended')),
        status_reason TEXT
    );
    CREATE TABLE party_roles (
        party_id TEXT NOT NULL REFERENCES parties(id),
        role TEXT NOT NULL,
        PRIMARY KEY (party_id, role)
    );
    CREATE INDEX party_roles_role ON party_roles(role, party_id);
    CREATE TABLE certificates (
        fingerprint TEXT PRIMARY KEY,
        party_id TEXT NOT NULL REFERENCES parties(id),
        der BYTEA NOT NULL,
        subject TEXT NOT NULL,
        subject_serial TEXT,
        key_type TEXT NOT NULL,
        not_before BIGINT NOT NULL,
        not_after BIGINT NOT NULL,
        added_at BIGINT NOT NULL,
        retired_at BIGINT,
        retired_reason TEXT
    );
    CREATE INDEX certificates_party ON certificates(party_id);
    CREATE TABLE challenges (
        id TEXT PRIMARY KEY,
        nonce TEXT NOT NULL,
        certificate BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        party_id TEXT NOT NULL REFERENCES parties(id),
        certificate_fingerprint TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        address TEXT NOT NULL,
        revoked_at BIGINT
    );
    CREATE TABLE tenders (
        id TEXT PRIMARY KEY,
        section TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        owner_party TEXT NOT NULL REFERENCES parties(id),
        tenderer_party TEXT NOT NULL REFERENCES parties(id),
        agency_party TEXT REFERENCES parties(id),
        profile TEXT NOT NULL,
        deadline BIGINT NOT NULL,
        spec TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        version BIGINT NOT NULL DEFAULT 1
    );
    CREATE INDEX tenders_published ON tenders(published_at, id);
    CREATE TABLE opening_keys (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        suite TEXT NOT NULL,
        key_id TEXT NOT NULL,
        file TEXT NOT NULL,
        PRIMARY KEY (tender_id, suite)
    );
    CREATE TABLE documents (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        name TEXT NOT NULL,
        amendment BIGINT NOT NULL DEFAULT 0,
        blob TEXT NOT NULL,
        digest TEXT NOT NULL,
        size BIGINT NOT NULL,
        content_type TEXT NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, name)
    );
    CREATE TABLE amendments (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        previous_deadline BIGINT NOT NULL,
        new_deadline BIGINT,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE receipts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        party_id TEXT NOT NULL REFERENCES parties(id),
        bid_id TEXT,
        ledger_seq BIGINT NOT NULL,
        issued_at BIGINT NOT NULL,
        document BYTEA NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL
    );
    CREATE INDEX receipts_party ON receipts(tender_id, party_id);
    CREATE TABLE bids (
        id TEXT PRIMARY KEY,
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        bidder_party TEXT NOT NULL REFERENCES parties(id),
        certificate_fingerprint TEXT NOT NULL,
        suite TEXT NOT NULL,
        package_id TEXT NOT NULL,
        package_digest TEXT NOT NULL,
        size BIGINT NOT NULL,
        blob TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        client_address TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'withdrawn')),
        superseded_at BIGINT,
        receipt_id TEXT NOT NULL REFERENCES receipts(id),
        ledger_seq BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX bids_one_active ON bids(tender_id, bidder_party) WHERE status = 'active';
    CREATE INDEX bids_tender ON bids(tender_id, status);
    CREATE TABLE credit_records (
        id TEXT PRIMARY KEY,
        record_kind TEXT NOT NULL,
        references_record TEXT REFERENCES credit_records(id),
        subject_kind TEXT NOT NULL,
        subject_code TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        category TEXT NOT NULL,
        facts TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        decision_number TEXT NOT NULL,
        authority TEXT NOT NULL,
        decision_date BIGINT NOT NULL,
        tender_id TEXT,
        penalty TEXT NOT NULL,
        fine_amount TEXT,
        restriction_start BIGINT,
        restriction_end BIGINT,
        recorded_at BIGINT NOT NULL,
        recorded_by TEXT NOT NULL,
        document BYTEA NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        chain_id TEXT
    );
    CREATE INDEX credit_subject ON credit_records(subject_code, decision_date);
    CREATE INDEX credit_records_chain ON credit_records(chain_id, recorded_at);
    CREATE TABLE ledger_events (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor_fingerprint TEXT NOT NULL,
        actor_party TEXT NOT NULL,
        role TEXT NOT NULL,
        address TEXT NOT NULL,
        action TEXT NOT NULL,
        object TEXT NOT NULL,
        tender_id TEXT,
        payload_digest TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX ledger_tender ON ledger_events(tender_id, seq);
    CREATE INDEX ledger_actor ON ledger_events(actor_party, seq);
    CREATE INDEX ledger_action ON ledger_events(action, seq);
    CREATE INDEX ledger_at ON ledger_events(at);
    CREATE INDEX ledger_object ON ledger_events(object, seq);
    CREATE INDEX ledger_hash ON ledger_events(hash);
    CREATE TABLE ledger_checkpoints (
        number BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        head_hash TEXT NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL
    );
    CREATE INDEX ledger_checkpoints_seq ON ledger_checkpoints(seq);
    CREATE TABLE openings (
        tender_id TEXT PRIMARY KEY REFERENCES tenders(id),
        status TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        started_by TEXT NOT NULL,
        window_ends_at BIGINT NOT NULL,
        completed_at BIGINT,
        confirmation_ends_at BIGINT,
        record_document BYTEA,
        record_signature BYTEA,
        record_scheme TEXT,
        record_certificate TEXT
    );
    CREATE TABLE opening_bids (
        bid_id TEXT PRIMARY KEY REFERENCES bids(id),
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        bidder_party TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_by TEXT,
        cause_code TEXT,
        cause_fault TEXT,
        cause_detail TEXT,
        manifest BYTEA,
        manifest_signature BYTEA,
        items TEXT,
        decrypted_at BIGINT,
        decryption_address TEXT,
        refused_attempts BIGINT NOT NULL DEFAULT 0,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX opening_bids_tender ON opening_bids(tender_id);
    CREATE TABLE opened_parts (
        bid_id TEXT NOT NULL REFERENCES bids(id),
        position BIGINT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        size BIGINT NOT NULL,
        digest TEXT NOT NULL,
        blob TEXT NOT NULL,
        PRIMARY KEY (bid_id, position)
    );
    CREATE TABLE opening_objections (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        party TEXT NOT NULL,
        text TEXT NOT NULL,
        raised_at BIGINT NOT NULL,
        answer TEXT,
        answered_by TEXT,
        answered_at BIGINT,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE opening_confirmations (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        party TEXT NOT NULL,
        confirmed_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, party)
    );
    CREATE TABLE collusion_signals (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        position BIGINT NOT NULL,
        signal TEXT NOT NULL,
        PRIMARY KEY (tender_id, position)
    );
    CREATE TABLE credit_chains (
        id TEXT PRIMARY KEY,
        subject_kind TEXT NOT NULL,
        subject_code TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        category TEXT NOT NULL,
        facts TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        decision_number TEXT NOT NULL,
        authority TEXT NOT NULL,
        decision_date BIGINT NOT NULL,
        tender_id TEXT,
        penalty TEXT NOT NULL,
        fine_amount TEXT,
        restriction_start BIGINT,
        restriction_end BIGINT,
        permanent BIGINT NOT NULL,
        status TEXT NOT NULL,
        listed_until BIGINT,
        head_id TEXT NOT NULL,
        current_json BYTEA NOT NULL
    );
    CREATE INDEX credit_chains_subject ON credit_chains(subject_code);
    CREATE INDEX credit_chains_date ON credit_chains(decision_date, id);
    CREATE INDEX credit_chains_category ON credit_chains(category, decision_date, id);
    CREATE TABLE credit_leads (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        subject_kind TEXT NOT NULL,
        subject_code TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        party_id TEXT,
        tender_id TEXT,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        ledger_seq BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        resolved_by TEXT,
        resolved_at BIGINT,
        resolution TEXT,
        record_id TEXT REFERENCES credit_records(id)
    );
    CREATE INDEX credit_leads_status ON credit_leads(status, created_at);
    CREATE TABLE credit_subject_pages (
        subject_code TEXT PRIMARY KEY,
        source BYTEA NOT NULL
    );
    CREATE TABLE opening_partials (
        bid_id TEXT NOT NULL REFERENCES bids(id),
        share_index BIGINT NOT NULL,
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        suite TEXT NOT NULL,
        point TEXT NOT NULL,
        proof TEXT NOT NULL,
        official_party TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        address TEXT NOT NULL,
        PRIMARY KEY (bid_id, share_index)
    );
    CREATE INDEX opening_partials_tender ON opening_partials(tender_id, suite);
    CREATE TABLE key_ceremonies (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt BIGINT NOT NULL,
        parameters TEXT NOT NULL,
        status TEXT NOT NULL,
        started_by TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        completed_at BIGINT,
        failure TEXT,
        transcript TEXT,
        key_id TEXT,
        PRIMARY KEY (tender_id, suite, attempt)
    );
    CREATE TABLE ceremony_dealings (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt BIGINT NOT NULL,
        dealer BIGINT NOT NULL,
        dealing TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, dealer)
    );
    CREATE TABLE ceremony_confirmations (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt BIGINT NOT NULL,
        official BIGINT NOT NULL,
        signature TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, official)
    );
    CREATE TABLE opening_key_uses (
        key_id TEXT PRIMARY KEY,
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        used_at BIGINT NOT NULL
    );
    CREATE TABLE experts (
        id TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE evaluations (
        tender_id TEXT PRIMARY KEY REFERENCES tenders(id),
        phase TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE INDEX evaluations_phase ON evaluations(phase);
    CREATE TABLE evaluation_entries (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        kind TEXT NOT NULL,
        member TEXT NOT NULL,
        round TEXT NOT NULL,
        body BYTEA NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, kind, member, round)
    );
    CREATE TABLE supervision_cards (
        id TEXT PRIMARY KEY,
        level TEXT NOT NULL,
        subject TEXT NOT NULL,
        tender_id TEXT,
        responsible_party TEXT,
        raised_at BIGINT NOT NULL,
        closed_at BIGINT,
        body TEXT NOT NULL,
        raised_seq BIGINT NOT NULL,
        closed_seq BIGINT
    );
    CREATE INDEX supervision_cards_open ON supervision_cards(closed_at, raised_at);
    CREATE INDEX supervision_cards_tender ON supervision_cards(tender_id, raised_at);
    CREATE TABLE supervision_statements (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        step TEXT NOT NULL,
        party TEXT NOT NULL,
        body TEXT NOT NULL,
        recorded_at BIGINT NOT NULL,
        ledger_seq BIGINT NOT NULL,
        PRIMARY KEY (tender_id, step)
    );
    CREATE TABLE document_objections (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        party TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE web_links (
        code_hash TEXT PRIMARY KEY,
        party TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    """
}
