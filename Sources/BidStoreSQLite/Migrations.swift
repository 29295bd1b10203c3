import BidDomain
import BidStoreSQL
import Foundation

/// Numbered schema migrations. Each runs once, in order, in its own transaction; the applied
/// versions are recorded in `schema_migrations`. Never edit a migration that has shipped: add one.
package enum Migrations {
    static let all: [(version: Int, name: String, sql: String)] = [
        (1, "parties, auth, tenders, documents, bids, receipts, credit records, ledger", v1),
        (2, "the opening: sessions, bids' decryption, shares, opened parts, objections, collusion signals", v2),
        (3, "credit register: decision chains, publication, leads; ledger and checkpoint indexes for queries", v3),
        (4, "credit register: each subject's public page kept ready", v4),
        (5, "the opening key never exists: key ceremonies, partial decryptions, one key per tender; opening shares wiped and dropped", v5),
        (6, "ledger: events found by hash (the supervisors' views page by the last event shown)", v6),
        (7, "sealed evaluation: the expert pool, each tender's evaluation and its entries (draw record, statements, sheets, report)", v7),
        (8, "the portal's tender list by publication; e-supervision: cards, step statements; objections to the documents; one-time links to the supervisors' pages", v8),
        (9, "the party registry an operator manages: a party's status (active, pending approval, suspended) and retired certificates; each party's state in the ledger", v9),
    ]

    /// Work a migration does beyond its SQL, in the same transaction.
    static let programs: [Int: @Sendable (SQLiteConnection) throws -> Void] = [
        4: { try SQLTransaction($0).rebuildCreditSubjectPages() },
        // The audit compares each party's rows with the state its last ledger event recorded:
        // parties registered before that state was recorded get it now, once.
        9: { try SQLTransaction($0).recordRegistrySnapshot(at: Date()) },
    ]

    /// Work after a migration's transaction has committed (what cannot run inside one).
    static let afterwards: [Int: @Sendable (SQLiteConnection) throws -> Void] = [
        // The opening shares' old values may still sit in WAL frames: copy the zeroed pages into
        // the database and truncate the WAL to nothing (secure_delete is on for the writer).
        5: { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") },
    ]

    static func apply(to connection: SQLiteConnection) throws {
        try connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
        let applied = Set(try connection.query("SELECT version FROM schema_migrations") { $0.int(0) })
        for migration in all where !applied.contains(migration.version) {
            try connection.transaction(immediate: true) {
                try connection.execute(migration.sql)
                try programs[migration.version]?(connection)
                try connection.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                   [.integer(Int64(migration.version)), .text(migration.name), .time(Date())])
            }
            try afterwards[migration.version]?(connection)
        }
    }

    package static var latestVersion: Int { all.last?.version ?? 0 }

    static let v1 = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

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
        created_at INTEGER NOT NULL
    );
    CREATE TABLE party_roles (
        party_id TEXT NOT NULL REFERENCES parties(id),
        role TEXT NOT NULL,
        PRIMARY KEY (party_id, role)
    );
    CREATE TABLE certificates (
        fingerprint TEXT PRIMARY KEY,
        party_id TEXT NOT NULL REFERENCES parties(id),
        der BLOB NOT NULL,
        subject TEXT NOT NULL,
        subject_serial TEXT,
        key_type TEXT NOT NULL,
        not_before INTEGER NOT NULL,
        not_after INTEGER NOT NULL,
        added_at INTEGER NOT NULL
    );
    CREATE INDEX certificates_party ON certificates(party_id);

    CREATE TABLE challenges (
        id TEXT PRIMARY KEY,
        nonce TEXT NOT NULL,
        certificate BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
    );
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        party_id TEXT NOT NULL REFERENCES parties(id),
        certificate_fingerprint TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        revoked_at INTEGER
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
        deadline INTEGER NOT NULL,
        spec TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        published_at INTEGER,
        version INTEGER NOT NULL DEFAULT 1
    );
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
        amendment INTEGER NOT NULL DEFAULT 0,
        blob TEXT NOT NULL,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (tender_id, name)
    );
    CREATE TABLE amendments (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        previous_deadline INTEGER NOT NULL,
        new_deadline INTEGER,
        created_at INTEGER NOT NULL,
        published_at INTEGER,
        PRIMARY KEY (tender_id, number)
    );

    CREATE TABLE receipts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        party_id TEXT NOT NULL REFERENCES parties(id),
        bid_id TEXT,
        ledger_seq INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
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
        size INTEGER NOT NULL,
        blob TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        client_address TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'withdrawn')),
        superseded_at INTEGER,
        receipt_id TEXT NOT NULL REFERENCES receipts(id),
        ledger_seq INTEGER NOT NULL
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
        decision_date INTEGER NOT NULL,
        tender_id TEXT,
        penalty TEXT NOT NULL,
        fine_amount TEXT,
        restriction_start INTEGER,
        restriction_end INTEGER,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        scheme TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL
    );
    CREATE INDEX credit_subject ON credit_records(subject_code, decision_date);

    CREATE TABLE ledger_events (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
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
    CREATE TABLE ledger_checkpoints (
        number INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        signature BLOB NOT NULL,
        scheme TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL
    );
    """

    static let v2 = """
    CREATE TABLE openings (
        tender_id TEXT PRIMARY KEY REFERENCES tenders(id),
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        started_by TEXT NOT NULL,
        window_ends_at INTEGER NOT NULL,
        completed_at INTEGER,
        confirmation_ends_at INTEGER,
        record_document BLOB,
        record_signature BLOB,
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
        manifest BLOB,
        manifest_signature BLOB,
        items TEXT,
        decrypted_at INTEGER,
        decryption_address TEXT,
        refused_attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX opening_bids_tender ON opening_bids(tender_id);
    CREATE TABLE opened_parts (
        bid_id TEXT NOT NULL REFERENCES bids(id),
        position INTEGER NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        digest TEXT NOT NULL,
        blob TEXT NOT NULL,
        PRIMARY KEY (bid_id, position)
    );
    CREATE TABLE opening_shares (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        suite TEXT NOT NULL,
        share_index INTEGER NOT NULL,
        official_party TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        value BLOB,
        received_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        PRIMARY KEY (tender_id, suite, share_index)
    );
    CREATE TABLE opening_objections (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number INTEGER NOT NULL,
        party TEXT NOT NULL,
        text TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        answer TEXT,
        answered_by TEXT,
        answered_at INTEGER,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE opening_confirmations (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        party TEXT NOT NULL,
        confirmed_at INTEGER NOT NULL,
        PRIMARY KEY (tender_id, party)
    );
    CREATE TABLE collusion_signals (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        position INTEGER NOT NULL,
        signal TEXT NOT NULL,
        PRIMARY KEY (tender_id, position)
    );
    """

    static let v3 = """
    ALTER TABLE credit_records ADD COLUMN chain_id TEXT;
    UPDATE credit_records SET chain_id = CASE WHEN record_kind = 'decision' THEN id ELSE references_record END;
    CREATE INDEX credit_records_chain ON credit_records(chain_id, recorded_at);
    -- The current effect of each decision, derived from its records (CreditEffect) and rewritten
    -- with every record added to it: what the public listings and subject pages read.
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
        decision_date INTEGER NOT NULL,
        tender_id TEXT,
        penalty TEXT NOT NULL,
        fine_amount TEXT,
        restriction_start INTEGER,
        restriction_end INTEGER,
        permanent INTEGER NOT NULL,
        status TEXT NOT NULL,
        listed_until INTEGER,
        head_id TEXT NOT NULL,
        -- the decision as it stands (CreditEntry.current), as JSON: subject pages are assembled from it
        current_json BLOB NOT NULL
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
        ledger_seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        resolved_by TEXT,
        resolved_at INTEGER,
        resolution TEXT,
        record_id TEXT REFERENCES credit_records(id)
    );
    CREATE INDEX credit_leads_status ON credit_leads(status, created_at);
    CREATE INDEX ledger_object ON ledger_events(object, seq);
    CREATE INDEX ledger_checkpoints_seq ON ledger_checkpoints(seq);
    """

    static let v4 = """
    -- A subject's public page, ready but for what depends on the time (SubjectPageSource):
    -- rewritten with the decisions it is made from, in the same transaction.
    CREATE TABLE credit_subject_pages (
        subject_code TEXT PRIMARY KEY,
        source BLOB NOT NULL
    );
    """

    static let v5 = """
    -- Opening shares are retired: the service never receives, stores or rebuilds a share or an
    -- opening private key again. The values are overwritten in place before the table goes
    -- (secure_delete is on, so the freed pages are zeroed too); the WAL is truncated afterwards.
    UPDATE opening_shares SET value = zeroblob(length(value)) WHERE value IS NOT NULL;
    DELETE FROM opening_shares;
    DROP TABLE opening_shares;
    -- Partial decryptions handed in at the opening (public values: sᵢ·E with its proof).
    CREATE TABLE opening_partials (
        bid_id TEXT NOT NULL REFERENCES bids(id),
        share_index INTEGER NOT NULL,
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        suite TEXT NOT NULL,
        point TEXT NOT NULL,
        proof TEXT NOT NULL,
        official_party TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        PRIMARY KEY (bid_id, share_index)
    );
    CREATE INDEX opening_partials_tender ON opening_partials(tender_id, suite);
    -- Key ceremonies (distributed key generation) the service relays between officials: their
    -- parameters, the signed dealings (shares encrypted to each official), confirmations, the
    -- signed transcript. Nothing here can decrypt anything.
    CREATE TABLE key_ceremonies (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        parameters TEXT NOT NULL,
        status TEXT NOT NULL,
        started_by TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        completed_at INTEGER,
        failure TEXT,
        transcript TEXT,
        key_id TEXT,
        PRIMARY KEY (tender_id, suite, attempt)
    );
    CREATE TABLE ceremony_dealings (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        dealer INTEGER NOT NULL,
        dealing TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, dealer)
    );
    CREATE TABLE ceremony_confirmations (
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        official INTEGER NOT NULL,
        signature TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (tender_id, suite, attempt, official)
    );
    -- One opening key, one tender: every key any tender uses or used, for ever.
    CREATE TABLE opening_key_uses (
        key_id TEXT PRIMARY KEY,
        tender_id TEXT NOT NULL,
        suite TEXT NOT NULL,
        used_at INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO opening_key_uses (key_id, tender_id, suite, used_at)
        SELECT key_id, tender_id, suite, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM opening_keys ORDER BY rowid;
    """

    static let v6 = """
    CREATE INDEX ledger_hash ON ledger_events(hash);
    """

    static let v7 = """
    CREATE TABLE experts (
        id TEXT PRIMARY KEY,
        profile TEXT NOT NULL,
        status TEXT NOT NULL,
        status_reason TEXT,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE evaluations (
        tender_id TEXT PRIMARY KEY REFERENCES tenders(id),
        phase TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX evaluations_phase ON evaluations(phase);
    CREATE TABLE evaluation_entries (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        kind TEXT NOT NULL,
        member TEXT NOT NULL,
        round TEXT NOT NULL,
        body BLOB NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (tender_id, kind, member, round)
    );
    """

    static let v8 = """
    CREATE INDEX tenders_published ON tenders(published_at, id);
    CREATE TABLE supervision_cards (
        id TEXT PRIMARY KEY,
        level TEXT NOT NULL,
        subject TEXT NOT NULL,
        tender_id TEXT,
        responsible_party TEXT,
        raised_at INTEGER NOT NULL,
        closed_at INTEGER,
        body TEXT NOT NULL,
        raised_seq INTEGER NOT NULL,
        closed_seq INTEGER
    );
    CREATE INDEX supervision_cards_open ON supervision_cards(closed_at, raised_at);
    CREATE INDEX supervision_cards_tender ON supervision_cards(tender_id, raised_at);
    CREATE TABLE supervision_statements (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        step TEXT NOT NULL,
        party TEXT NOT NULL,
        body TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        ledger_seq INTEGER NOT NULL,
        PRIMARY KEY (tender_id, step)
    );
    CREATE TABLE document_objections (
        tender_id TEXT NOT NULL REFERENCES tenders(id),
        number INTEGER NOT NULL,
        party TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (tender_id, number)
    );
    CREATE TABLE web_links (
        code_hash TEXT PRIMARY KEY,
        party TEXT NOT NULL,
        certificate_fingerprint TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
    );
    """

    static let v9 = """
    ALTER TABLE parties ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending', 'suspended'));
    ALTER TABLE parties ADD COLUMN status_reason TEXT;
    ALTER TABLE certificates ADD COLUMN retired_at INTEGER;
    ALTER TABLE certificates ADD COLUMN retired_reason TEXT;
    CREATE INDEX party_roles_role ON party_roles(role, party_id);
    """
}
