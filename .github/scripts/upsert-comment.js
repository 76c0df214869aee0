// Posts the `fleet diff --markdown` comment on a pull request, or edits the one posted
// before (found by its marker), so a pull request carries one diff comment, kept current.
// Called from actions/github-script: module.exports({ github, context, body }).
"use strict";
const MARKER = "<!-- node-fleet:fleet-diff -->";

module.exports = async function upsertComment({ github, context, body }) {
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const mine = comments.find((c) => c.user && c.user.type === "Bot" && typeof c.body === "string" && c.body.startsWith(MARKER));
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return `updated comment ${mine.id}`;
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return `created comment ${created.data.id}`;
};
