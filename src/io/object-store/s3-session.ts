import { AppError } from "../../core/errors/app-error.ts";
import type { S3Settings } from "../../core/object-store/s3-settings.ts";
import { loadS3Settings, type S3Flags } from "./s3-settings-files.ts";
import { DEFAULT_RETRY, type RetryPolicy, S3Store, type StoreCounters } from "./s3-store.ts";

/**
 * The S3 side of one command: settings resolved once (flags, environment, ~/.aws), one store per bucket, and the
 * requests and bytes of all of them. Settings are loaded on first use, so commands without s3:// pay nothing.
 */
export class S3Session {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #flags: S3Flags;
  readonly #retry: RetryPolicy;
  readonly #stores = new Map<string, S3Store>();
  #settings: S3Settings | null = null;

  constructor(options: {
    env: Readonly<Record<string, string | undefined>>;
    flags: S3Flags;
    retry?: RetryPolicy;
  }) {
    this.#env = options.env;
    this.#flags = options.flags;
    this.#retry = options.retry ?? DEFAULT_RETRY;
  }

  /** The resolved settings; an AppError (exit 2) naming the file or variable when they cannot be resolved. */
  settings(): S3Settings {
    if (this.#settings !== null) return this.#settings;
    const loaded = loadS3Settings(this.#env, this.#flags);
    if (!loaded.success) throw new AppError("usage", `S3: ${loaded.error}`);
    this.#settings = loaded.data;
    return loaded.data;
  }

  store(bucket: string): S3Store {
    const known = this.#stores.get(bucket);
    if (known !== undefined) return known;
    const store = new S3Store({ settings: this.settings(), bucket, retry: this.#retry });
    this.#stores.set(bucket, store);
    return store;
  }

  totals(): StoreCounters {
    const totals = { requests: 0, bytes: 0 };
    for (const store of this.#stores.values()) {
      totals.requests += store.counters.requests;
      totals.bytes += store.counters.bytes;
    }
    return totals;
  }
}
