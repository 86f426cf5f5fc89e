-- Tolerant individuals' pseudonymous references (issue 18): 'TOL-' and the id of the tolerant individual's
-- label (its smallest record id, which never leaves the matcher), and one sequence versioning every record's
-- assignment, so a read model applying TolerantRecordsRelinkedV1 keeps the newest whatever the delivery order.
CREATE TABLE tolerant_ref (
    cluster text PRIMARY KEY,
    id      bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE SEQUENCE tolerant_assignment_version;
