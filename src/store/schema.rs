//! The tables as diesel sees them; `migrations/{sqlite,postgres}` create them.

diesel::table! {
    messages (id) {
        id -> BigInt,
        direction -> Text,
        kind -> Text,
        partner -> Nullable<Text>,
        channel -> Text,
        origin -> Nullable<Text>,
        sha256 -> Text,
        size -> BigInt,
        body -> Binary,
        status -> Text,
        duplicate_of -> Nullable<BigInt>,
        note -> Nullable<Text>,
        released -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    interchanges (id) {
        id -> BigInt,
        message_id -> BigInt,
        direction -> Text,
        partner -> Nullable<Text>,
        sender -> Text,
        receiver -> Text,
        control_number -> Text,
        version -> Text,
        test -> Bool,
        status -> Text,
        duplicate_of -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    functional_groups (id) {
        id -> BigInt,
        interchange_id -> BigInt,
        message_id -> BigInt,
        direction -> Text,
        partner -> Nullable<Text>,
        functional_id -> Text,
        control_number -> Text,
        version -> Text,
        set_count -> BigInt,
        verdict -> Nullable<Text>,
        ack_status -> Text,
        ack_due_at -> Nullable<Timestamp>,
        ack_message_id -> Nullable<BigInt>,
        ack_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    transaction_sets (id) {
        id -> BigInt,
        group_id -> BigInt,
        message_id -> BigInt,
        direction -> Text,
        partner -> Nullable<Text>,
        set_id -> Text,
        control_number -> Text,
        status -> Text,
        document_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    findings (id) {
        id -> BigInt,
        message_id -> BigInt,
        transaction_set_id -> Nullable<BigInt>,
        origin -> Text,
        rule -> Nullable<Text>,
        severity -> Text,
        segment_position -> Nullable<BigInt>,
        element -> Nullable<Text>,
        byte_offset -> Nullable<BigInt>,
        text -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        direction -> Text,
        partner -> Text,
        kind -> Text,
        number -> Text,
        order_number -> Nullable<Text>,
        message_id -> Nullable<BigInt>,
        transaction_set_id -> Nullable<BigInt>,
        status -> Text,
        body -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        partner -> Text,
        po_number -> Text,
        order_date -> Nullable<Text>,
        document_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    acknowledgements (id) {
        id -> BigInt,
        direction -> Text,
        kind -> Text,
        message_id -> BigInt,
        partner -> Nullable<Text>,
        interchange_control_number -> Text,
        functional_id -> Nullable<Text>,
        group_control_number -> Nullable<Text>,
        code -> Text,
        interchange_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        message_id -> Nullable<BigInt>,
        document_id -> Nullable<BigInt>,
        state -> Text,
        attempts -> BigInt,
        due_at -> Timestamp,
        owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    control_numbers (partner, name) {
        partner -> Text,
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        entity -> Text,
        entity_id -> BigInt,
        from_state -> Nullable<Text>,
        to_state -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    as2_exchanges (id) {
        id -> BigInt,
        direction -> Text,
        partner -> Nullable<Text>,
        as2_from -> Text,
        as2_message_id -> Text,
        message_id -> Nullable<BigInt>,
        status -> Text,
        disposition -> Nullable<Text>,
        reason -> Nullable<Text>,
        mic -> Nullable<Text>,
        mdn_mode -> Text,
        mdn -> Nullable<Binary>,
        request -> Binary,
        mdn_due_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    messages,
    interchanges,
    functional_groups,
    transaction_sets,
    findings,
    documents,
    orders,
    acknowledgements,
    jobs,
    control_numbers,
    audit_log,
    as2_exchanges,
);
