"use client";

import { AreaChart, BarChart, DonutChart } from "@mantine/charts";
import { Card, Group, SimpleGrid, Text, Title } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { Traffic } from "@/server/dashboard/get-traffic";

const REFRESH_MS = 5000;

/**
 * Traffic from the data planes' metrics: requests per second (from successive scrapes: the page refreshes
 * itself every few seconds), status classes, p95 latency per route.
 */
export function TrafficCharts({ traffic }: { traffic: Traffic }) {
  const router = useRouter();
  const [samples, setSamples] = useState<{ at: number; total: number }[]>([]);
  const [seen, setSeen] = useState<number | null>(null);
  if (seen !== traffic.at) {
    // A new scrape arrived (render-time update, no effect): remember it for the rate.
    setSeen(traffic.at);
    setSamples((s) => [...s, { at: traffic.at, total: traffic.total }].slice(-30));
  }
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [router]);

  const rps = samples.slice(1).map((s, i) => {
    const prev = samples[i]!;
    return {
      time: new Date(s.at).toLocaleTimeString(),
      "requests/s": Math.max(
        0,
        Math.round(((s.total - prev.total) / ((s.at - prev.at) / 1000)) * 10) / 10,
      ),
    };
  });
  const colors = { "2xx": "green.6", "3xx": "blue.6", "4xx": "yellow.6", "5xx": "red.6" } as const;
  const classes = (Object.keys(colors) as (keyof typeof colors)[]).map((k) => ({
    name: k,
    value: traffic.statusClasses[k],
    color: colors[k],
  }));
  return (
    <SimpleGrid cols={{ base: 1, lg: 3 }} mt="lg">
      <Card withBorder component="section" aria-label="Requests per second">
        <Title order={2} size="h5" mb="sm">
          Requests per second
        </Title>
        {rps.length === 0 ? (
          <Text c="dimmed" size="sm">
            Measuring… ({traffic.total} requests so far)
          </Text>
        ) : (
          <AreaChart
            h={200}
            data={rps}
            dataKey="time"
            series={[{ name: "requests/s", color: "indigo.6" }]}
            curveType="monotone"
            withDots={false}
          />
        )}
      </Card>
      <Card withBorder component="section" aria-label="Status classes">
        <Title order={2} size="h5" mb="sm">
          Status classes
        </Title>
        <Group>
          <DonutChart
            data={classes.filter((c) => c.value > 0)}
            size={150}
            thickness={24}
            withTooltip
          />
          <div>
            {classes.map((c) => (
              <Text key={c.name} size="sm">
                {c.name}: {c.value}
              </Text>
            ))}
          </div>
        </Group>
      </Card>
      <Card withBorder component="section" aria-label="p95 latency per route">
        <Title order={2} size="h5" mb="sm">
          p95 latency per route (ms)
        </Title>
        {traffic.p95.length === 0 ? (
          <Text c="dimmed" size="sm">
            No routed traffic yet.
          </Text>
        ) : (
          <BarChart
            // a bar and its label for every route: recharts drops labels that do not fit
            h={Math.max(200, traffic.p95.length * 28)}
            data={traffic.p95}
            dataKey="route"
            series={[{ name: "ms", color: "violet.6" }]}
            orientation="vertical"
            yAxisProps={{ width: 170, interval: 0 }}
          />
        )}
      </Card>
      {traffic.unreachable.length ? (
        <Text size="sm" c="red">
          Metrics unavailable from:{" "}
          {traffic.unreachable.map((u) => `${u.id.slice(0, 8)} (${u.reason})`).join(", ")}
        </Text>
      ) : null}
    </SimpleGrid>
  );
}
