package io.enclave.ingest;

import java.util.List;

/**
 * What one response meant for its split: the records to deliver (already delivered ones left
 * out), the split's position after them, and whether the split has caught up with the API.
 */
record Page(List<ApiRecord> records, PollSplit next, boolean caughtUp) {}
