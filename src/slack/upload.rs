//! Files into a DM or group DM through Slack's current files API: ask for an
//! upload URL (`files.getUploadURLExternal`), send the bytes there with a
//! plain HTTP client (`reqwest`), then share the file
//! (`files.completeUploadExternal`). (`files.upload` is retired.)

use super::client::{bounded, SlackApi, CALL_LIMIT};
use slack_morphism::errors::{SlackClientError, SlackClientSystemError};
use slack_morphism::prelude::*;

/// A file to share: its name, title, the message that goes with it, and
/// its bytes.
pub struct Upload<'a> {
    pub filename: &'a str,
    pub title: &'a str,
    pub comment: &'a str,
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
}

fn failure(message: String) -> SlackClientError {
    SlackClientError::SystemError(SlackClientSystemError::new().with_message(message))
}

impl SlackApi {
    fn upload_client(&self) -> ClientResult<&reqwest::Client> {
        if let Some(client) = self.uploads.get() {
            return Ok(client);
        }
        // Uses the process's rustls provider, installed at start-up.
        let client = reqwest::Client::builder()
            .timeout(CALL_LIMIT)
            .build()
            .map_err(|e| failure(format!("upload client: {e}")))?;
        Ok(self.uploads.get_or_init(|| client))
    }

    /// Shares `file` in the bot's conversation with `users` (one: their
    /// DM; several: their group DM).
    pub async fn upload_to(&self, users: &[SlackUserId], file: Upload<'_>) -> ClientResult<()> {
        let channel = self.open_conversation(users).await?;
        let session = self.client.open_session(&self.token);
        let ask = SlackApiFilesGetUploadUrlExternalRequest::new(
            file.filename.to_owned(),
            file.bytes.len(),
        );
        let asked = bounded(session.get_upload_url_external(&ask)).await;
        self.count("files.getUploadURLExternal", &asked);
        let target = asked?;
        let sent = self
            .upload_client()?
            .post(target.upload_url.0.clone())
            .header("content-type", file.content_type)
            .body(file.bytes)
            .send()
            .await;
        // Only the status is kept: the answer is Slack's, not ours to log.
        let sent: ClientResult<()> = match sent {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(failure(format!(
                "upload answered HTTP {}",
                r.status().as_u16()
            ))),
            Err(e) if e.is_timeout() => Err(failure("upload timed out".into())),
            Err(_) => Err(failure("upload failed to connect".into())),
        };
        self.count("files.upload_bytes", &sent);
        sent?;
        let complete =
            SlackApiFilesCompleteUploadExternalRequest::new(vec![SlackApiFilesComplete::new(
                target.file_id,
            )
            .with_title(file.title.to_owned())])
            .with_channel_id(channel)
            .with_initial_comment(file.comment.to_owned());
        let done = bounded(session.files_complete_upload_external(&complete))
            .await
            .map(|_| ());
        self.count("files.completeUploadExternal", &done);
        done
    }
}
