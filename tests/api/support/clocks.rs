//! A clock that can be told to panic, standing in for a bug: the service
//! must survive a panic in its scheduler or in one job.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use tandem::clock::{Clock, ManualClock};

const OFF: u8 = 0;
/// Every call panics.
const ALWAYS: u8 = 1;
/// The first call from a task other than the one that calls first after
/// arming panics (once).
const IN_ANOTHER_TASK: u8 = 2;

pub struct PanicClock {
    time: ManualClock,
    mode: AtomicU8,
    first_task: Mutex<Option<tokio::task::Id>>,
}

impl PanicClock {
    pub fn new(time: ManualClock) -> Self {
        Self {
            time,
            mode: AtomicU8::new(OFF),
            first_task: Mutex::new(None),
        }
    }

    /// Every read of the time panics until [`PanicClock::disarm`].
    pub fn panic_always(&self) {
        self.mode.store(ALWAYS, Ordering::SeqCst);
    }

    /// The scheduler's loop reads the time first; the first read from any
    /// other task (a job the loop started) panics, once.
    pub fn panic_in_the_next_job(&self) {
        *self.first_task.lock().unwrap() = None;
        self.mode.store(IN_ANOTHER_TASK, Ordering::SeqCst);
    }

    pub fn disarm(&self) {
        self.mode.store(OFF, Ordering::SeqCst);
    }
}

impl Clock for PanicClock {
    fn now(&self) -> DateTime<Utc> {
        match self.mode.load(Ordering::SeqCst) {
            ALWAYS => panic!("test clock: a bug, on purpose"),
            IN_ANOTHER_TASK => {
                if let Some(task) = tokio::task::try_id() {
                    let mut first = self.first_task.lock().unwrap();
                    match *first {
                        None => *first = Some(task),
                        Some(loop_task) if loop_task != task => {
                            drop(first);
                            self.mode.store(OFF, Ordering::SeqCst);
                            panic!("test clock: a bug in a job, on purpose");
                        }
                        Some(_) => {}
                    }
                }
                self.time.now()
            }
            _ => self.time.now(),
        }
    }
}
