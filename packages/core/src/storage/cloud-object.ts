import { formatLocation } from './location.js';

/**
 * A reference to an object in storage (as Lithops' `CloudObject`): pass it to functions as input,
 * read it back with `storage.getCloudObject(co)`. Plain data, so it survives serialization.
 */
export class CloudObject {
  constructor(
    /** Config name of the storage backend that holds it. */
    readonly backend: string,
    readonly bucket: string,
    readonly key: string,
  ) {}

  /** `<backend>://bucket/key`, accepted wherever a location is. */
  get url(): string {
    return formatLocation(this);
  }

  toString(): string {
    return `<CloudObject at ${this.url}>`;
  }

  toJSON(): { backend: string; bucket: string; key: string } {
    return { backend: this.backend, bucket: this.bucket, key: this.key };
  }
}
