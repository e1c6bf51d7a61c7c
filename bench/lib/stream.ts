// The table's stream as the benchmark reads it (DynamoDB Local's, NEW_AND_OLD_IMAGES): every record
// written since the last drain, with the item's image before and after. Sections 8 (the index floor of
// each operation) and 9 (writes per partition key) price what was written from it.
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export class StreamTap {
  private readonly iterators = new Map<string, string | undefined>();
  private arn?: string;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly table: string,
  ) {}

  /** Every record written since the last drain (the first drain: since the stream began). */
  async drain(): Promise<_Record[]> {
    this.arn ??= (await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }))).Table?.LatestStreamArn;
    if (!this.arn) throw new Error(`table ${this.table} has no stream`);
    let start: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.arn, ExclusiveStartShardId: start }),
      );
      for (const s of out.StreamDescription?.Shards ?? []) {
        if (s.ShardId && !this.iterators.has(s.ShardId)) {
          const it = await this.streams.send(
            new GetShardIteratorCommand({ StreamArn: this.arn, ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
          );
          this.iterators.set(s.ShardId, it.ShardIterator);
        }
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const records: _Record[] = [];
    for (const [shard, iterator] of this.iterators) {
      let next = iterator;
      while (next) {
        const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: next, Limit: 1000 }));
        records.push(...(out.Records ?? []));
        next = out.NextShardIterator;
        if (!out.Records?.length) break;
      }
      this.iterators.set(shard, next);
    }
    return records;
  }
}
