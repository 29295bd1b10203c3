import BidDomain
import BidStoreSQL
/// The PostgreSQL schema, numbered like the embedded store's migrations (BidStoreSQLite/Migrations.swift) but
/// its own: version 1 is the embedded schema as of its migration 9, in PostgreSQL's types. Text
/// columns compare byte by byte (COLLATE "C"), as SQLite's do: orders and cursors are the same on
/// both, whatever locale the database was created with.
enum PostgresSchema {
    static let all: [(version: Int, name: String, sql: String)] = [
        (1, "the whole schema as of the embedded store's migration 9", v1),
    ]

    static let v1 = """
    CREATE TABLE meta (
        key TEXT COLLATE "C" PRIMARY KEY,
        value TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE parties (
        id TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('organization', 'person')),
        name TEXT COLLATE "C" NOT NULL,
        credit_code TEXT COLLATE "C" UNIQUE,
        person_id TEXT COLLATE "C" UNIQUE,
        legal_representative TEXT COLLATE "C",
        organization TEXT COLLATE "C",
        employer_credit_code TEXT COLLATE "C",
        specialties TEXT COLLATE "C",
        created_at BIGINT NOT NULL,
        status TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'suspended')),
        status_reason TEXT COLLATE "C"
    );
    CREATE TABLE party_roles (
        party_id TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        role TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (party_id, role)
    );
    CREATE INDEX party_roles_role ON party_roles(role, party_id);
    CREATE TABLE certificates (
        fingerprint TEXT COLLATE "C" PRIMARY KEY,
        party_id TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        der BYTEA NOT NULL,
        subject TEXT COLLATE "C" NOT NULL,
        subject_serial TEXT COLLATE "C",
        key_type TEXT COLLATE "C" NOT NULL,
        not_before BIGINT NOT NULL,
        not_after BIGINT NOT NULL,
        added_at BIGINT NOT NULL,
        retired_at BIGINT,
        retired_reason TEXT COLLATE "C"
    );
    CREATE INDEX certificates_party ON certificates(party_id);
    CREATE TABLE challenges (
        id TEXT COLLATE "C" PRIMARY KEY,
        nonce TEXT COLLATE "C" NOT NULL,
        certificate BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    CREATE TABLE tokens (
        hash TEXT COLLATE "C" PRIMARY KEY,
        party_id TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        certificate_fingerprint TEXT COLLATE "C" NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        address TEXT COLLATE "C" NOT NULL,
        revoked_at BIGINT
    );
    CREATE TABLE tenders (
        id TEXT COLLATE "C" PRIMARY KEY,
        section TEXT COLLATE "C" NOT NULL,
        title TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        owner_party TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        tenderer_party TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        agency_party TEXT COLLATE "C" REFERENCES parties(id),
        profile TEXT COLLATE "C" NOT NULL,
        deadline BIGINT NOT NULL,
        spec TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        version BIGINT NOT NULL DEFAULT 1
    );
    CREATE INDEX tenders_published ON tenders(published_at, id);
    CREATE TABLE opening_keys (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        suite TEXT COLLATE "C" NOT NULL,
        key_id TEXT COLLATE "C" NOT NULL,
        file TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (tender_id, suite)
    );
    CREATE TABLE documents (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        name TEXT COLLATE "C" NOT NULL,
        amendment BIGINT NOT NULL DEFAULT 0,
        blob TEXT COLLATE "C" NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        size BIGINT NOT NULL,
        content_type TEXT COLLATE "C" NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, name)
    );
    CREATE TABLE amendments (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        title TEXT COLLATE "C" NOT NULL,
        text TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        previous_deadline BIGINT NOT NULL,
        new_deadline BIGINT,
        created_at BIGINT NOT NULL,
        published_at BIGINT,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE receipts (
        id TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL,
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        party_id TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        bid_id TEXT COLLATE "C",
        ledger_seq BIGINT NOT NULL,
        issued_at BIGINT NOT NULL,
        document BYTEA NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT COLLATE "C" NOT NULL,
        certificate_fingerprint TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX receipts_party ON receipts(tender_id, party_id);
    CREATE TABLE bids (
        id TEXT COLLATE "C" PRIMARY KEY,
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        bidder_party TEXT COLLATE "C" NOT NULL REFERENCES parties(id),
        certificate_fingerprint TEXT COLLATE "C" NOT NULL,
        suite TEXT COLLATE "C" NOT NULL,
        package_id TEXT COLLATE "C" NOT NULL,
        package_digest TEXT COLLATE "C" NOT NULL,
        size BIGINT NOT NULL,
        blob TEXT COLLATE "C" NOT NULL,
        received_at BIGINT NOT NULL,
        client_address TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'replaced', 'withdrawn')),
        superseded_at BIGINT,
        receipt_id TEXT COLLATE "C" NOT NULL REFERENCES receipts(id),
        ledger_seq BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX bids_one_active ON bids(tender_id, bidder_party) WHERE status = 'active';
    CREATE INDEX bids_tender ON bids(tender_id, status);
    CREATE TABLE credit_records (
        id TEXT COLLATE "C" PRIMARY KEY,
        record_kind TEXT COLLATE "C" NOT NULL,
        references_record TEXT COLLATE "C" REFERENCES credit_records(id),
        subject_kind TEXT COLLATE "C" NOT NULL,
        subject_code TEXT COLLATE "C" NOT NULL,
        subject_name TEXT COLLATE "C" NOT NULL,
        category TEXT COLLATE "C" NOT NULL,
        facts TEXT COLLATE "C" NOT NULL,
        legal_basis TEXT COLLATE "C" NOT NULL,
        decision_number TEXT COLLATE "C" NOT NULL,
        authority TEXT COLLATE "C" NOT NULL,
        decision_date BIGINT NOT NULL,
        tender_id TEXT COLLATE "C",
        penalty TEXT COLLATE "C" NOT NULL,
        fine_amount TEXT COLLATE "C",
        restriction_start BIGINT,
        restriction_end BIGINT,
        recorded_at BIGINT NOT NULL,
        recorded_by TEXT COLLATE "C" NOT NULL,
        document BYTEA NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT COLLATE "C" NOT NULL,
        certificate_fingerprint TEXT COLLATE "C" NOT NULL,
        chain_id TEXT COLLATE "C"
    );
    CREATE INDEX credit_subject ON credit_records(subject_code, decision_date);
    CREATE INDEX credit_records_chain ON credit_records(chain_id, recorded_at);
    CREATE TABLE ledger_events (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor_fingerprint TEXT COLLATE "C" NOT NULL,
        actor_party TEXT COLLATE "C" NOT NULL,
        role TEXT COLLATE "C" NOT NULL,
        address TEXT COLLATE "C" NOT NULL,
        action TEXT COLLATE "C" NOT NULL,
        object TEXT COLLATE "C" NOT NULL,
        tender_id TEXT COLLATE "C",
        payload_digest TEXT COLLATE "C" NOT NULL,
        prev_hash TEXT COLLATE "C" NOT NULL,
        hash TEXT COLLATE "C" NOT NULL
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
        head_hash TEXT COLLATE "C" NOT NULL,
        signature BYTEA NOT NULL,
        scheme TEXT COLLATE "C" NOT NULL,
        certificate_fingerprint TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX ledger_checkpoints_seq ON ledger_checkpoints(seq);
    CREATE TABLE openings (
        tender_id TEXT COLLATE "C" PRIMARY KEY REFERENCES tenders(id),
        status TEXT COLLATE "C" NOT NULL,
        started_at BIGINT NOT NULL,
        started_by TEXT COLLATE "C" NOT NULL,
        window_ends_at BIGINT NOT NULL,
        completed_at BIGINT,
        confirmation_ends_at BIGINT,
        record_document BYTEA,
        record_signature BYTEA,
        record_scheme TEXT COLLATE "C",
        record_certificate TEXT COLLATE "C"
    );
    CREATE TABLE opening_bids (
        bid_id TEXT COLLATE "C" PRIMARY KEY REFERENCES bids(id),
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        bidder_party TEXT COLLATE "C" NOT NULL,
        state TEXT COLLATE "C" NOT NULL,
        opened_by TEXT COLLATE "C",
        cause_code TEXT COLLATE "C",
        cause_fault TEXT COLLATE "C",
        cause_detail TEXT COLLATE "C",
        manifest BYTEA,
        manifest_signature BYTEA,
        items TEXT COLLATE "C",
        decrypted_at BIGINT,
        decryption_address TEXT COLLATE "C",
        refused_attempts BIGINT NOT NULL DEFAULT 0,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX opening_bids_tender ON opening_bids(tender_id);
    CREATE TABLE opened_parts (
        bid_id TEXT COLLATE "C" NOT NULL REFERENCES bids(id),
        position BIGINT NOT NULL,
        kind TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        size BIGINT NOT NULL,
        digest TEXT COLLATE "C" NOT NULL,
        blob TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (bid_id, position)
    );
    CREATE TABLE opening_objections (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        party TEXT COLLATE "C" NOT NULL,
        text TEXT COLLATE "C" NOT NULL,
        raised_at BIGINT NOT NULL,
        answer TEXT COLLATE "C",
        answered_by TEXT COLLATE "C",
        answered_at BIGINT,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE opening_confirmations (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        party TEXT COLLATE "C" NOT NULL,
        confirmed_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, party)
    );
    CREATE TABLE collusion_signals (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        position BIGINT NOT NULL,
        signal TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (tender_id, position)
    );
    CREATE TABLE credit_chains (
        id TEXT COLLATE "C" PRIMARY KEY,
        subject_kind TEXT COLLATE "C" NOT NULL,
        subject_code TEXT COLLATE "C" NOT NULL,
        subject_name TEXT COLLATE "C" NOT NULL,
        category TEXT COLLATE "C" NOT NULL,
        facts TEXT COLLATE "C" NOT NULL,
        legal_basis TEXT COLLATE "C" NOT NULL,
        decision_number TEXT COLLATE "C" NOT NULL,
        authority TEXT COLLATE "C" NOT NULL,
        decision_date BIGINT NOT NULL,
        tender_id TEXT COLLATE "C",
        penalty TEXT COLLATE "C" NOT NULL,
        fine_amount TEXT COLLATE "C",
        restriction_start BIGINT,
        restriction_end BIGINT,
        permanent BIGINT NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        listed_until BIGINT,
        head_id TEXT COLLATE "C" NOT NULL,
        current_json BYTEA NOT NULL
    );
    CREATE INDEX credit_chains_subject ON credit_chains(subject_code);
    CREATE INDEX credit_chains_date ON credit_chains(decision_date, id);
    CREATE INDEX credit_chains_category ON credit_chains(category, decision_date, id);
    CREATE TABLE credit_leads (
        id TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        subject_kind TEXT COLLATE "C" NOT NULL,
        subject_code TEXT COLLATE "C" NOT NULL,
        subject_name TEXT COLLATE "C" NOT NULL,
        party_id TEXT COLLATE "C",
        tender_id TEXT COLLATE "C",
        summary TEXT COLLATE "C" NOT NULL,
        evidence TEXT COLLATE "C" NOT NULL,
        ledger_seq BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        resolved_by TEXT COLLATE "C",
        resolved_at BIGINT,
        resolution TEXT COLLATE "C",
        record_id TEXT COLLATE "C" REFERENCES credit_records(id)
    );
    CREATE INDEX credit_leads_status ON credit_leads(status, created_at);
    CREATE TABLE credit_subject_pages (
        subject_code TEXT COLLATE "C" PRIMARY KEY,
        source BYTEA NOT NULL
    );
    CREATE TABLE opening_partials (
        bid_id TEXT COLLATE "C" NOT NULL REFERENCES bids(id),
        share_index BIGINT NOT NULL,
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        suite TEXT COLLATE "C" NOT NULL,
        point TEXT COLLATE "C" NOT NULL,
        proof TEXT COLLATE "C" NOT NULL,
        official_party TEXT COLLATE "C" NOT NULL,
        certificate_fingerprint TEXT COLLATE "C" NOT NULL,
        received_at BIGINT NOT NULL,
        address TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (bid_id, share_index)
    );
    CREATE INDEX opening_partials_tender ON opening_partials(tender_id, suite);
    CREATE TABLE key_ceremonies (
        tender_id TEXT COLLATE "C" NOT NULL,
        suite TEXT COLLATE "C" NOT NULL,
        attempt BIGINT NOT NULL,
        parameters TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        started_by TEXT COLLATE "C" NOT NULL,
        started_at BIGINT NOT NULL,
        completed_at BIGINT,
        failure TEXT COLLATE "C",
        transcript TEXT COLLATE "C",
        key_id TEXT COLLATE "C",
        PRIMARY KEY (tender_id, suite, attempt)
    );
    CREATE TABLE ceremony_dealings (
        tender_id TEXT COLLATE "C" NOT NULL,
        suite TEXT COLLATE "C" NOT NULL,
        attempt BIGINT NOT NULL,
        dealer BIGINT NOT NULL,
        dealing TEXT COLLATE "C" NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, dealer)
    );
    CREATE TABLE ceremony_confirmations (
        tender_id TEXT COLLATE "C" NOT NULL,
        suite TEXT COLLATE "C" NOT NULL,
        attempt BIGINT NOT NULL,
        official BIGINT NOT NULL,
        signature TEXT COLLATE "C" NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, official)
    );
    CREATE TABLE opening_key_uses (
        key_id TEXT COLLATE "C" PRIMARY KEY,
        tender_id TEXT COLLATE "C" NOT NULL,
        suite TEXT COLLATE "C" NOT NULL,
        used_at BIGINT NOT NULL
    );
    CREATE TABLE experts (
        id TEXT COLLATE "C" PRIMARY KEY,
        profile TEXT COLLATE "C" NOT NULL,
        status TEXT COLLATE "C" NOT NULL,
        status_reason TEXT COLLATE "C",
        updated_at BIGINT NOT NULL
    );
    CREATE TABLE evaluations (
        tender_id TEXT COLLATE "C" PRIMARY KEY REFERENCES tenders(id),
        phase TEXT COLLATE "C" NOT NULL,
        state TEXT COLLATE "C" NOT NULL,
        updated_at BIGINT NOT NULL
    );
    CREATE INDEX evaluations_phase ON evaluations(phase);
    CREATE TABLE evaluation_entries (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        kind TEXT COLLATE "C" NOT NULL,
        member TEXT COLLATE "C" NOT NULL,
        round TEXT COLLATE "C" NOT NULL,
        body BYTEA NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (tender_id, kind, member, round)
    );
    CREATE TABLE supervision_cards (
        id TEXT COLLATE "C" PRIMARY KEY,
        level TEXT COLLATE "C" NOT NULL,
        subject TEXT COLLATE "C" NOT NULL,
        tender_id TEXT COLLATE "C",
        responsible_party TEXT COLLATE "C",
        raised_at BIGINT NOT NULL,
        closed_at BIGINT,
        body TEXT COLLATE "C" NOT NULL,
        raised_seq BIGINT NOT NULL,
        closed_seq BIGINT
    );
    CREATE INDEX supervision_cards_open ON supervision_cards(closed_at, raised_at);
    CREATE INDEX supervision_cards_tender ON supervision_cards(tender_id, raised_at);
    CREATE TABLE supervision_statements (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        step TEXT COLLATE "C" NOT NULL,
        party TEXT COLLATE "C" NOT NULL,
        body TEXT COLLATE "C" NOT NULL,
        recorded_at BIGINT NOT NULL,
        ledger_seq BIGINT NOT NULL,
        PRIMARY KEY (tender_id, step)
    );
    CREATE TABLE document_objections (
        tender_id TEXT COLLATE "C" NOT NULL REFERENCES tenders(id),
        number BIGINT NOT NULL,
        party TEXT COLLATE "C" NOT NULL,
        body TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE web_links (
        code_hash TEXT COLLATE "C" PRIMARY KEY,
        party TEXT COLLATE "C" NOT NULL,
        certificate_fingerprint TEXT COLLATE "C" NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    );
    """
}
