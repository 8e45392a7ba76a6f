// Written by query-objects.mjs from client.ts and openapi.json (generate.sh): do not edit.
// Every operation with query parameters, taking them by their names on the wire in one object.
import type { ArchivedFilter, GroupDetail, GroupKind, GroupPage, GroupStatus, GroupedPage, ItemView, MessageMatches, SessionEventPage, SessionFacets, SessionOrigin, SessionPage, SessionSortField, SortDirection, TrajectoryFormat, TranscriptPage, WorkspaceUsage } from "./client.js";

/** The session filters, by their names on the wire: what `getSessionFacets` takes, and `listGroups`, `listGroupedSessions`, `listSessions`, `getUsage` beside their own. */
export interface SessionFilterQuery {
    /** Owners (repeatable); combined with user by AND, as different parameters are. */
    user_id?: string[] | null | undefined;
    /** Owners (repeatable). */
    user?: string[] | null | undefined;
    project_id?: string[] | null | undefined;
    agent?: string[] | null | undefined;
    model?: string[] | null | undefined;
    /** user, eval or worker (repeatable). */
    origin?: SessionOrigin[] | null | undefined;
    /** key:value (repeatable): values of one key OR, different keys AND. */
    label?: string[] | null | undefined;
    /** active (default), archived or any. */
    archived?: ArchivedFilter | null | undefined;
    /** Case-insensitive text in title, model, agent, label values or key:value (at most 200 characters). */
    search?: string | null | undefined;
    /** Include sessions of origin eval (default false). */
    include_workload_sessions?: boolean | null | undefined;
}

/** The query parameters of `listGroups` (List session groups), by their names on the wire. */
export interface ListGroupsQuery extends SessionFilterQuery {
    /** Group status (repeatable). */
    status?: GroupStatus[] | null | undefined;
    /** Group kind (repeatable). */
    kind?: GroupKind[] | null | undefined;
    /** From 1 (default 1). */
    page?: number | null | undefined;
    /** 1 to 100 (default 20). */
    limit?: number | null | undefined;
}

/** The query parameters of `getGroup` (Get a session group), by their names on the wire. */
export interface GetGroupQuery {
    archived?: ArchivedFilter | null | undefined;
    include_workload_sessions?: boolean | null | undefined;
}

/** The query parameters of `listGroupedSessions` (List sessions by group), by their names on the wire. */
export interface ListGroupedSessionsQuery extends SessionFilterQuery {
    /** From 1 (default 1). */
    page?: number | null | undefined;
    /** Buckets per page: 1 to 100 (default 20). */
    limit?: number | null | undefined;
    /** Sessions listed per bucket: 1 to 100 (default 20). */
    sessions_per_group?: number | null | undefined;
}

/** The query parameters of `listItems` (List items), by their names on the wire. */
export interface ListItemsQuery {
    limit?: number | null | undefined;
}

/** The query parameters of `listSessions` (List sessions), by their names on the wire. */
export interface ListSessionsQuery extends SessionFilterQuery {
    /** updated_at (default), last_message_at, created_at or message_count. */
    sort_by?: SessionSortField | null | undefined;
    /** desc (default) or asc. */
    sort_dir?: SortDirection | null | undefined;
    /** From 1 (default 1). */
    page?: number | null | undefined;
    /** 1 to 100 (default 20). */
    limit?: number | null | undefined;
}

/** The query parameters of `getSessionFacets` (Session facets), by their names on the wire. */
export type GetSessionFacetsQuery = SessionFilterQuery;

/** The query parameters of `listSessionEvents` (List a session's events), by their names on the wire. */
export interface ListSessionEventsQuery {
    after_id?: string | null | undefined;
    limit?: number | null | undefined;
}

/** The query parameters of `getTranscript` (Read the transcript), by their names on the wire. */
export interface GetTranscriptQuery {
    after_seq?: number | null | undefined;
    limit?: number | null | undefined;
    include_compacted?: boolean | null | undefined;
}

/** The query parameters of `exportTrajectory` (Export the trajectory), by their names on the wire. */
export interface ExportTrajectoryQuery {
    format?: TrajectoryFormat | null | undefined;
    include_compacted?: boolean | null | undefined;
    download?: boolean | null | undefined;
}

/** The query parameters of `searchMessages` (Search messages), by their names on the wire. */
export interface SearchMessagesQuery {
    q: string;
    after_seq?: number | null | undefined;
    limit?: number | null | undefined;
    include_compacted?: boolean | null | undefined;
}

/** The query parameters of `getUsage` (Workspace usage), by their names on the wire. */
export interface GetUsageQuery extends SessionFilterQuery {
    /** Required: model, agent, user, origin, day or label:<key>. */
    group_by: string;
    /** Messages created at or after this RFC 3339 time. */
    from?: string | null | undefined;
    /** Messages created before this RFC 3339 time. */
    to?: string | null | undefined;
}

/**
 * The operations with query parameters, taking them as one object after the path's parameters:
 * `listSessions(org, workspace, { label: ["team:red"], page: 2 })`. The generated methods take them in order.
 */
export interface QueryObjects {
    /** List session groups, its query parameters by name. */
    listGroups(org: string, workspace: string, query?: ListGroupsQuery, signal?: AbortSignal): Promise<GroupPage>;
    /** Get a session group, its query parameters by name. */
    getGroup(org: string, workspace: string, groupId: string, query?: GetGroupQuery, signal?: AbortSignal): Promise<GroupDetail>;
    /** List sessions by group, its query parameters by name. */
    listGroupedSessions(org: string, workspace: string, query?: ListGroupedSessionsQuery, signal?: AbortSignal): Promise<GroupedPage>;
    /** List items, its query parameters by name. */
    listItems(org: string, workspace: string, session: string, query?: ListItemsQuery, signal?: AbortSignal): Promise<ItemView[]>;
    /** List sessions, its query parameters by name. */
    listSessions(org: string, workspace: string, query?: ListSessionsQuery, signal?: AbortSignal): Promise<SessionPage>;
    /** Session facets, its query parameters by name. */
    getSessionFacets(org: string, workspace: string, query?: GetSessionFacetsQuery, signal?: AbortSignal): Promise<SessionFacets>;
    /** List a session's events, its query parameters by name. */
    listSessionEvents(org: string, workspace: string, session: string, query?: ListSessionEventsQuery, signal?: AbortSignal): Promise<SessionEventPage>;
    /** Read the transcript, its query parameters by name. */
    getTranscript(org: string, workspace: string, session: string, query?: GetTranscriptQuery, signal?: AbortSignal): Promise<TranscriptPage>;
    /** Export the trajectory, its query parameters by name. */
    exportTrajectory(org: string, workspace: string, session: string, query?: ExportTrajectoryQuery, signal?: AbortSignal): Promise<any>;
    /** Search messages, its query parameters by name. */
    searchMessages(org: string, workspace: string, session: string, query: SearchMessagesQuery, signal?: AbortSignal): Promise<MessageMatches>;
    /** Workspace usage, its query parameters by name. */
    getUsage(org: string, workspace: string, query: GetUsageQuery, signal?: AbortSignal): Promise<WorkspaceUsage>;
}

/** For each operation of {@link QueryObjects}: how many path parameters it takes, and its query parameters in the generated method's order. */
export const queryParameters: { readonly [operation in keyof QueryObjects]: { readonly path: number; readonly query: readonly string[] } } = {
    listGroups: { path: 2, query: ["status", "kind", "page", "limit", "user_id", "user", "project_id", "agent", "model", "origin", "label", "archived", "search", "include_workload_sessions"] },
    getGroup: { path: 3, query: ["archived", "include_workload_sessions"] },
    listGroupedSessions: { path: 2, query: ["page", "limit", "sessions_per_group", "user_id", "user", "project_id", "agent", "model", "origin", "label", "archived", "search", "include_workload_sessions"] },
    listItems: { path: 3, query: ["limit"] },
    listSessions: { path: 2, query: ["sort_by", "sort_dir", "page", "limit", "user_id", "user", "project_id", "agent", "model", "origin", "label", "archived", "search", "include_workload_sessions"] },
    getSessionFacets: { path: 2, query: ["user_id", "user", "project_id", "agent", "model", "origin", "label", "archived", "search", "include_workload_sessions"] },
    listSessionEvents: { path: 3, query: ["after_id", "limit"] },
    getTranscript: { path: 3, query: ["after_seq", "limit", "include_compacted"] },
    exportTrajectory: { path: 3, query: ["format", "include_compacted", "download"] },
    searchMessages: { path: 3, query: ["q", "after_seq", "limit", "include_compacted"] },
    getUsage: { path: 2, query: ["group_by", "from", "to", "user_id", "user", "project_id", "agent", "model", "origin", "label", "archived", "search", "include_workload_sessions"] },
};
