/** The public feed: an in-memory list standing in for a table. */
export interface FeedPost {
  readonly author: string;
  readonly text: string;
}

const posts: FeedPost[] = [{ author: 'team', text: 'Welcome to the feed' }];

export function listPosts(): readonly FeedPost[] {
  return [...posts];
}

export function addPost(post: FeedPost): FeedPost {
  posts.push(post);
  return post;
}
