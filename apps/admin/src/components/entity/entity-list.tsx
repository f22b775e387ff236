"use client";

import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Plus, Search } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { ReactNode } from "react";
import { useCurrentUser } from "@/components/user-context";
import { api } from "@/lib/api";

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

interface Page<T> {
  data: T[];
  offset: string | null;
}

export interface EntityListProps<T> {
  /** API collection path, e.g. "/services". */
  resource: string;
  /** Singular noun for labels ("service"). */
  noun: string;
  /** The row header: the entity's name. */
  name: (row: T) => string;
  href: (row: T) => string;
  columns: Column<T>[];
  newHref: string;
  /** What the entity is, in a sentence: the empty state explains it to a newcomer. */
  description?: string;
  pageSize?: number;
  /** false for entities without a name to search (default true) */
  searchable?: boolean;
}

/**
 * A paginated table of one API collection: search by name (`q`), tag filter (all of / any of) and cursor
 * pagination (`offset`), all done by the API's list query.
 */
export function EntityList<T extends { id: string; tags?: string[] }>(props: EntityListProps<T>) {
  const { canEdit } = useCurrentUser();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 250);
  const [tags, setTags] = useState<string[]>([]);
  const [tagMode, setTagMode] = useState<"all" | "any">("all");
  // Cursors of the pages seen so far: [null (first page), cursor of page 2, ...].
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [size, setSize] = useState(props.pageSize ?? 20);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let cancelled = false;
    const params = new URLSearchParams({ size: String(size) });
    if (q) params.set("q", q);
    if (tags.length) params.set("tags", tags.join(tagMode === "all" ? "," : "/"));
    if (cursor) params.set("offset", cursor);
    void api<Page<T>>("GET", `${props.resource}?${params}`).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setPage(r.body);
        setError(null);
      } else setError(r.message);
    });
    return () => {
      cancelled = true;
    };
  }, [props.resource, q, tags, tagMode, cursor, size]);

  const resetPaging = () => setCursors([null]);

  return (
    <>
      <Group justify="space-between" align="end" mb="md" wrap="wrap">
        <Group align="end" wrap="wrap">
          {props.searchable === false ? null : (
            <TextInput
              label="Search by name"
              placeholder={`Part of the ${props.noun}'s name`}
              leftSection={<Search size={16} aria-hidden />}
              value={search}
              onChange={(e) => {
                setSearch(e.currentTarget.value);
                resetPaging();
              }}
              w={260}
            />
          )}
          <TagsInput
            label="Filter by tags"
            placeholder="Type a tag, press Enter"
            value={tags}
            onChange={(v) => {
              setTags(v);
              resetPaging();
            }}
            w={260}
            clearable
          />
          <SegmentedControl
            aria-label="Tag match"
            value={tagMode}
            onChange={(v) => {
              setTagMode(v as "all" | "any");
              resetPaging();
            }}
            data={[
              { label: "All tags", value: "all" },
              { label: "Any tag", value: "any" },
            ]}
          />
        </Group>
        {canEdit ? (
          <Button
            component={Link}
            href={props.newHref}
            leftSection={<Plus size={16} aria-hidden />}
          >
            New {props.noun}
          </Button>
        ) : null}
      </Group>
      {error ? (
        <Alert color="red" title={`The ${props.noun}s could not be loaded`} role="alert">
          {error}
        </Alert>
      ) : null}
      {page && page.data.length === 0 && (q || tags.length || cursors.length > 1) ? (
        <Text c="dimmed">No {props.noun}s match.</Text>
      ) : null}
      {page && page.data.length === 0 && !q && !tags.length && cursors.length === 1 ? (
        <Paper withBorder p="lg" component="section" aria-label={`No ${props.noun}s yet`}>
          <Title order={2} size="h4" mb="xs">
            No {props.noun}s yet
          </Title>
          {props.description ? <Text mb="md">{props.description}</Text> : null}
          {canEdit ? (
            <Button
              component={Link}
              href={props.newHref}
              leftSection={<Plus size={16} aria-hidden />}
            >
              Create your first {props.noun}
            </Button>
          ) : (
            <Text c="dimmed">An editor or admin can create one.</Text>
          )}
        </Paper>
      ) : null}
      {page && page.data.length > 0 ? (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover verticalSpacing="xs" captionSide="top">
            <Table.Caption>
              Page {cursors.length}: {page.data.length} {props.noun}
              {page.data.length === 1 ? "" : "s"}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                {props.columns.map((c) => (
                  <Table.Th scope="col" key={c.label}>
                    {c.label}
                  </Table.Th>
                ))}
                <Table.Th scope="col">Tags</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.data.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Th scope="row">
                    <Anchor component={Link} href={props.href(row)}>
                      {props.name(row)}
                    </Anchor>
                  </Table.Th>
                  {props.columns.map((c) => (
                    <Table.Td key={c.label}>{c.render(row)}</Table.Td>
                  ))}
                  <Table.Td>
                    <Group gap={4}>
                      {(row.tags ?? []).map((t) => (
                        <Badge key={t} variant="light" size="sm">
                          {t}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <Group mt="md" gap="xs" align="end">
        <Select
          label="Rows per page"
          data={["2", "10", "20", "50", "100"]}
          value={String(size)}
          onChange={(v) => {
            if (!v) return;
            setSize(Number(v));
            resetPaging();
          }}
          w={130}
          allowDeselect={false}
        />
        <Button
          variant="default"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          disabled={!page?.offset}
          onClick={() => page?.offset && setCursors([...cursors, page.offset])}
        >
          Next page
        </Button>
      </Group>
    </>
  );
}
