//! What people do in Discord that a client of the fake does not: archive or lock a
//! thread, delete a channel or thread. Tests use them to meet the states a relay or bot
//! finds in a real server.

use crate::fake::FakeDiscord;

impl FakeDiscord {
    /// Archives a thread, as Discord does after its inactivity period. A message posted
    /// in it unarchives it, unless it is also locked. False when `thread_id` is no thread.
    pub fn archive_thread(&self, thread_id: u64) -> bool {
        self.with_thread(thread_id, |thread| thread.archived = true)
    }

    /// Locks (and archives) a thread, as a moderator does: posting in it is refused with
    /// 403 (code 160005). False when `thread_id` is no thread.
    pub fn lock_thread(&self, thread_id: u64) -> bool {
        self.with_thread(thread_id, |thread| {
            thread.archived = true;
            thread.locked = true;
        })
    }

    /// Deletes a channel or thread and its messages; later requests for it answer 404
    /// (Unknown Channel). False when there was none.
    pub fn delete_channel(&self, channel_id: u64) -> bool {
        let mut world = self.world();
        let existed = world.state.channels.remove(&channel_id).is_some();
        world
            .state
            .messages
            .retain(|_, m| m.channel_id != channel_id);
        existed
    }

    fn with_thread(
        &self,
        thread_id: u64,
        f: impl FnOnce(&mut crate::fake::state::ThreadMeta),
    ) -> bool {
        let mut world = self.world();
        match world
            .state
            .channels
            .get_mut(&thread_id)
            .and_then(|c| c.thread.as_mut())
        {
            Some(thread) => {
                f(thread);
                true
            }
            None => false,
        }
    }
}
